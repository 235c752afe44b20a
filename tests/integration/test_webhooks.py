"""Signed push webhooks (SPEC section 5): the real payloads of
../shared/fixtures/webhooks, rewritten to point at the test's own commit,
deploy that commit; everything else gets the answer SPEC names."""
import hashlib
import hmac
import http.client
import json
import os
import socket
import time
import uuid

from harness import IntegrationTest, SOURCE, wait_for

SECRET = "webhook-test-secret-5b1e"
FIXTURES = os.environ.get("CUTOVER_SHARED_DIR", os.path.join(SOURCE, "..", "shared"))


def fixture(name):
    with open(os.path.join(FIXTURES, "fixtures", "webhooks", name)) as f:
        return json.load(f)


def hub_signature(body):
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


class Webhooks(IntegrationTest):
    def setUp(self):
        os.environ["CUTOVER_TEST_HOOK_SECRET"] = SECRET
        self.env_options = {"app_extra": "    webhook: {provider: any, secret_env: CUTOVER_TEST_HOOK_SECRET}\n"}
        super().setUp()

    def post(self, body, headers, path=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.env.hook_port, timeout=60)
        conn.request("POST", path or f"/hooks/{self.env.app}", body=body, headers=headers)
        response = conn.getresponse()
        answer = response.read()
        conn.close()
        return response.status, json.loads(answer) if answer else None

    def raw_request(self, data):
        with socket.create_connection(("127.0.0.1", self.env.hook_port), timeout=10) as sock:
            sock.sendall(data)
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return int(head.split()[1]), body

    def github(self, sha, ref="refs/heads/main", delivery=None, secret_ok=True, event="push"):
        payload = fixture("github-push.json" if event == "push" else "github-ping.json")
        if event == "push":
            payload["ref"], payload["after"] = ref, sha
        body = json.dumps(payload).encode()
        headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
                   "Content-Type": "application/json"}
        if secret_ok is not None:
            headers["X-Hub-Signature-256"] = hub_signature(body if secret_ok else body + b"x")
        return self.post(body, headers)

    def wait_deployed(self, deployment):
        def done():
            state = self.env.api("GET", f"/v1/deployments/{deployment}")[1]["deployment"]["state"]
            return state if state not in ("queued", "running") else None
        return wait_for(done, 120, f"deployment {deployment}")

    def test_github_push_deploys_once_and_bad_requests_are_refused(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        sha = env.repo.commit_version("v2")

        status, answer = self.github(sha, delivery="delivery-1")
        self.assertEqual(status, 202, answer)
        self.assertEqual(self.wait_deployed(answer["deployment"]), "succeeded")
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(env.status()["live"]["sha"], sha)

        again = self.github(sha, delivery="delivery-1")
        self.assertEqual(again[0], 200, again)
        self.assertEqual(again[1]["deployment"], answer["deployment"])
        self.assertEqual(len(env.deployments()), 2, "a redelivery must not deploy again")

        self.assertEqual(self.github(sha, secret_ok=False)[0], 401)
        self.assertEqual(self.github(sha, secret_ok=None)[0], 401)
        other = self.github(sha, ref="refs/heads/feature")
        self.assertEqual((other[0], "another branch" in other[1]["ignored"]), (200, True), other)
        tag = self.github(sha, ref="refs/tags/v2")
        self.assertEqual(tag[0], 200, tag)
        deleted = self.github("0" * 40)
        self.assertEqual((deleted[0], "deleted" in deleted[1]["ignored"]), (200, True), deleted)
        self.assertEqual(self.github(sha, event="ping")[0], 200)

        truncated = json.dumps(fixture("github-push.json")).encode()[:200]
        status, answer = self.post(truncated, {"X-GitHub-Event": "push", "X-GitHub-Delivery": "t",
                                               "X-Hub-Signature-256": hub_signature(truncated)})
        self.assertEqual(status, 400, answer)
        big = b"{" + b" " * (26 << 20) + b"}"
        self.assertEqual(self.post(big, {"X-GitHub-Event": "push", "X-Hub-Signature-256": "sha256=00"})[0], 413)
        self.assertEqual(self.post(b"{}", {"X-GitHub-Event": "push"}, path="/hooks/no-such-app")[0], 404)
        # Bytes that are not UTF-8 in the path are quoted in the answer, not fatal.
        status, answer = self.raw_request(b"GET /\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertEqual(status, 404, answer)
        self.assertIsNone(env.daemon.proc.poll(), "cutoverd died on a non-UTF-8 request target")
        self.assertEqual(len(env.deployments()), 2, "no refused request may deploy")
        self.assertEqual(env.served_version(), "v2")

        conn = http.client.HTTPConnection("127.0.0.1", env.hook_port, timeout=10)
        conn.request("GET", "/healthz")
        self.assertEqual(conn.getresponse().status, 200)
        self.assertNotIn(SECRET, env.daemon.log())

        # A flood from one source is cut off with 429 (burst 20, then 5/s).
        codes = []
        for _ in range(40):
            conn = http.client.HTTPConnection("127.0.0.1", env.hook_port, timeout=10)
            conn.request("GET", "/healthz")
            codes.append(conn.getresponse().status)
            conn.close()
        self.assertIn(429, codes)
        self.assertEqual(codes[0], 200)

    def test_a_burst_of_pushes_builds_at_most_twice_and_the_newest_wins(self):
        env = self.env
        env.repo.commit_version("v0")
        env.daemon.start()
        env.deploy()
        # 20 pushes: exactly the per-source burst the listener allows before 429.
        shas = [env.repo.commit_version(f"v{i}") for i in range(1, 21)]
        started = time.monotonic()
        answers = [self.github(sha) for sha in shas]
        self.assertLess(time.monotonic() - started, 1.5, "the 20 pushes should arrive within about a second")
        # Each push is accepted, or ignored once the mirror has fetched a newer
        # tip (SPEC section 3: a trigger deploys the branch tip).
        for status, answer in answers:
            self.assertTrue(status == 202 or (status == 200 and "is not the tip of main" in answer["ignored"]),
                            answers)
        self.assertEqual(answers[-1][0], 202, answers)
        ids = [answer["deployment"] for status, answer in answers if status == 202]
        states = {i: self.wait_deployed(i) for i in ids}
        built = [i for i in ids if states[i] == "succeeded"]
        self.assertLessEqual(len(built), 2, states)
        self.assertEqual(states[ids[-1]], "succeeded", states)
        self.assertTrue(all(states[i] in ("succeeded", "superseded") for i in ids), states)
        self.assertEqual(env.served_version(), "v20")
        self.assertLessEqual(len(env.releases()), 3)  # v0 plus at most two builds

    def test_gitlab_and_gitea_payloads(self):
        env = self.env
        env.daemon.start()
        sha = env.repo.commit_version("v1")
        payload = fixture("gitlab-push-event.json")
        payload["ref"], payload["after"], payload["checkout_sha"] = "refs/heads/main", sha, sha
        body = json.dumps(payload).encode()
        status, answer = self.post(body, {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": SECRET,
                                          "X-Gitlab-Event-UUID": str(uuid.uuid4())})
        self.assertEqual(status, 202, answer)
        self.assertEqual(self.wait_deployed(answer["deployment"]), "succeeded")
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(self.post(body, {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Token": "wrong"})[0], 401)

        sha = env.repo.commit_version("v2")
        payload = fixture("gitea-push-event.json")
        payload["ref"], payload["after"] = "refs/heads/main", sha
        body = json.dumps(payload).encode()
        signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        status, answer = self.post(body, {"X-Gitea-Event": "push", "X-Gitea-Delivery": str(uuid.uuid4()),
                                          "X-Gitea-Signature": signature})
        self.assertEqual(status, 202, answer)
        self.assertEqual(self.wait_deployed(answer["deployment"]), "succeeded")
        self.assertEqual(env.served_version(), "v2")


if __name__ == "__main__":
    import unittest
    unittest.main()
