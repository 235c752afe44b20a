"""Deployment notifications: Slack, a generic webhook and commit statuses
(GitHub- and GitLab-shaped, pointed at 127.0.0.1 with api_url) reach a local
receiver in order, a dead or failing endpoint changes nothing about the
deployment, and tokens and the Slack URL stay out of the log, the events and
the API."""
import http.server
import json
import os
import threading
import uuid

from harness import IntegrationTest, free_port, wait_for


class Receiver:
    """An HTTP server on 127.0.0.1 that keeps every POST; paths under /fail500 answer 500."""

    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.requests.append({"path": self.path,
                                              "headers": {k.lower(): v for k, v in self.headers.items()},
                                              "body": json.loads(body)})
                status = 500 if self.path.startswith("/fail500") else 201
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, prefix):
        with self.lock:
            return [r for r in self.requests if r["path"].startswith(prefix)]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# A token and a Slack URL path that must appear nowhere but in the requests.
TOKEN_GH = "ghp_notify_" + uuid.uuid4().hex
TOKEN_GL = "glpat-notify-" + uuid.uuid4().hex
SLACK_SECRET = "slacksecret" + uuid.uuid4().hex


class Notifications(IntegrationTest):
    def setUp(self):
        self.receiver = Receiver()
        self.addCleanup(self.receiver.stop)
        self.down_port = free_port()  # nothing listens there
        os.environ["CUTOVER_TEST_SLACK_URL"] = self.receiver.url(f"/slack/T000/B000/{SLACK_SECRET}")
        os.environ["CUTOVER_TEST_GH_TOKEN"] = TOKEN_GH
        os.environ["CUTOVER_TEST_GL_TOKEN"] = TOKEN_GL
        for name in ("CUTOVER_TEST_SLACK_URL", "CUTOVER_TEST_GH_TOKEN", "CUTOVER_TEST_GL_TOKEN"):
            self.addCleanup(os.environ.pop, name, None)
        r = self.receiver
        self.env_options = {
            "health": "{path: /up, interval: 200ms, timeout: 1s, deploy_timeout: 4s}",
            "drain_timeout": "2s",
            "app_extra": f"""\
    notify:
      - slack: {{url_env: CUTOVER_TEST_SLACK_URL}}
      - webhook: {{url: "{r.url('/hook')}"}}
      - commit_status: {{token_env: CUTOVER_TEST_GH_TOKEN, provider: github, api_url: "{r.url('/gh')}",
                         repo_path: acme/web}}
      - commit_status: {{token_env: CUTOVER_TEST_GL_TOKEN, provider: gitlab, api_url: "{r.url('/gl/api/v4/')}",
                         repo_path: group/sub/web}}
      - webhook: {{url: "http://127.0.0.1:{self.down_port}/down"}}
      - webhook: {{url: "{r.url('/fail500')}"}}
""",
        }
        super().setUp()

    def wait_count(self, prefix, count, timeout=30):
        return wait_for(lambda: len(self.receiver.at(prefix)) >= count and self.receiver.at(prefix), timeout,
                        f"{count} request(s) to {prefix}; got {self.receiver.at(prefix)}")

    def assert_no_secrets(self, text, where):
        for secret in (TOKEN_GH, TOKEN_GL, SLACK_SECRET):
            self.assertNotIn(secret, text, f"a secret appeared in {where}")

    def test_deploys_failures_and_rollbacks_are_reported_in_order(self):
        env = self.env
        app = env.app
        sha1 = env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(env.served_version(), "v1")
        sha2 = env.repo.commit_version("v2")
        env.deploy()
        # The dead and the failing endpoints did not hold anything up.
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(env.status()["live"]["id"], f"{app}@2")

        sha3 = env.repo.commit_version("v3-sick", env={"FAIL_HEALTH": "1"})
        failed = env.deploy(check=False)
        self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)
        env.cli("rollback", app)
        self.assertEqual(env.served_version(), "v1")

        # Generic webhook: started then ended, for each deployment in turn.
        hooks = self.wait_count("/hook", 8)
        states = [(h["body"]["deployment_id"], h["body"]["kind"], h["body"]["state"]) for h in hooks]
        ids = sorted({d for d, _, _ in states})
        self.assertEqual(len(ids), 4, states)
        self.assertEqual(states, [(ids[0], "deploy", "started"), (ids[0], "deploy", "succeeded"),
                                  (ids[1], "deploy", "started"), (ids[1], "deploy", "succeeded"),
                                  (ids[2], "deploy", "started"), (ids[2], "deploy", "failed"),
                                  (ids[3], "rollback", "started"), (ids[3], "rollback", "succeeded")])
        first, live = hooks[0]["body"], hooks[1]["body"]
        self.assertEqual((first["app"], first["sha"], first["ref"], first["trigger"], first["release"]),
                         (app, sha1, "main", "cli", ""))
        self.assertEqual(live["release"], f"{app}@1")
        self.assertGreater(live["finished_at"], 0)
        self.assertIn("health", hooks[5]["body"]["error"])
        self.assertEqual(hooks[7]["body"]["release"], f"{app}@1")

        # GitHub-style statuses: pending then success/failure per commit, none for the rollback.
        gh = self.wait_count("/gh/", 6)
        self.assertEqual([(g["path"], g["body"]["state"]) for g in gh],
                         [(f"/gh/repos/acme/web/statuses/{sha1}", "pending"),
                          (f"/gh/repos/acme/web/statuses/{sha1}", "success"),
                          (f"/gh/repos/acme/web/statuses/{sha2}", "pending"),
                          (f"/gh/repos/acme/web/statuses/{sha2}", "success"),
                          (f"/gh/repos/acme/web/statuses/{sha3}", "pending"),
                          (f"/gh/repos/acme/web/statuses/{sha3}", "failure")])
        for g in gh:
            self.assertEqual(g["headers"]["authorization"], f"Bearer {TOKEN_GH}")
            self.assertEqual(g["body"]["context"], f"cutover/{app}")
            self.assertLessEqual(len(g["body"]["description"]), 140)
        self.assertEqual(gh[1]["body"]["description"], f"cutover: {app}@1 is live")
        self.assertTrue(gh[5]["body"]["description"].startswith("cutover: health check"), gh[5])

        # GitLab-style: the project path encoded, its own token header and state names.
        gl = self.wait_count("/gl/", 6)
        self.assertEqual([(g["path"], g["body"]["state"]) for g in gl][-2:],
                         [(f"/gl/api/v4/projects/group%2Fsub%2Fweb/statuses/{sha3}", "pending"),
                          (f"/gl/api/v4/projects/group%2Fsub%2Fweb/statuses/{sha3}", "failed")])
        self.assertEqual(gl[0]["headers"]["private-token"], TOKEN_GL)
        self.assertNotIn("authorization", gl[0]["headers"])
        self.assertEqual(gl[0]["body"]["name"], f"cutover/{app}")

        # Slack: one escaped text line per notice.
        slack = self.wait_count("/slack/", 8)
        self.assertTrue(all(set(s["body"]) == {"text"} for s in slack), slack)
        self.assertIn(f"{app}@2 is live", slack[3]["body"]["text"])
        self.assertIn("rolled back", slack[7]["body"]["text"])

        # The failing endpoint was tried three times per notice, then given up on in the log.
        self.wait_count("/fail500", 24, timeout=60)
        wait_for(lambda: env.daemon.log().count("not delivered after 3 attempt(s)") >= 16, 60,
                 "a warning for every notice the dead and failing endpoints did not take")
        log = env.daemon.log()
        self.assertIn(f"webhook notice to http://127.0.0.1:{self.down_port} (deployment {ids[0]} started) "
                      "not delivered after 3 attempt(s)", log)
        self.assertIn(f"webhook notice to {self.receiver.url('')} (rollback {ids[3]} succeeded) not delivered "
                      "after 3 attempt(s): got HTTP 500", log)

        # Secrets only ever went to the receiver.
        self.assert_no_secrets(log, "the daemon log")
        for d in env.deployments():
            self.assert_no_secrets(json.dumps(env.events(d["id"])), f"the events of deployment {d['id']}")
        self.assert_no_secrets(json.dumps(env.deployments()), "the deployments API")
        self.assert_no_secrets(json.dumps(env.cli_json("status", app)), "cutover status")
        check = env.cli("config", "check", env.config_path, check=False)
        self.assert_no_secrets(check.stdout + check.stderr, "cutover config check")
