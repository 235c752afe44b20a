"""GET /metrics (issue 6): the exposition passes `promtool check metrics`,
and the counters move by exactly what a deployment, a rollback, a failed
deployment and webhooks did. GET /healthz answers for the daemon itself."""
import hashlib
import hmac
import http.client
import json
import os
import re
import subprocess
import time
import uuid

from harness import IntegrationTest, wait_for
from test_webhooks import fixture

SECRET = "metrics-test-secret-7c2d"
SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?')


def parse(text):
    """{(name, frozenset of label pairs): value} for every sample line."""
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        match = SAMPLE.match(line)
        if not match:
            raise AssertionError(f"not a sample line: {line!r}")
        name, labels, value = match.groups()
        pairs = {key: re.sub(r"\\(.)", lambda m: "\n" if m[1] == "n" else m[1], raw)
                 for key, raw in LABEL.findall(labels or "")}
        samples[(name, frozenset(pairs.items()))] = float(value)
    return samples


class Metrics(IntegrationTest):
    def setUp(self):
        os.environ["CUTOVER_TEST_METRICS_SECRET"] = SECRET
        self.env_options = {
            "drain_timeout": "2s",
            "health": "{path: /up, interval: 200ms, timeout: 1s, deploy_timeout: 5s}",
            "app_extra": "    webhook: {provider: any, secret_env: CUTOVER_TEST_METRICS_SECRET}\n"}
        super().setUp()

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.env.hook_port, timeout=30)
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode()
        conn.close()
        return response, body

    def scrape(self):
        """The parsed exposition, after promtool found nothing to say about it."""
        response, text = self.get("/metrics")
        self.assertEqual(response.status, 200, text)
        self.assertEqual(response.getheader("Content-Type"), "text/plain; version=0.0.4; charset=utf-8")
        check = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        self.assertEqual(check.returncode, 0, check.stdout + check.stderr + "\n" + text)
        self.assertEqual(check.stdout + check.stderr, "", text)
        return parse(text)

    def value(self, samples, name, **labels):
        """One series' value (None when absent); labels default to app=<the test's app>, app=None drops it."""
        labels.setdefault("app", self.env.app)
        return samples.get((name, frozenset((k, v) for k, v in labels.items() if v is not None)))

    def webhook(self, sha, signed):
        payload = fixture("github-push.json")
        payload["ref"], payload["after"] = "refs/heads/main", sha
        body = json.dumps(payload).encode()
        headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": str(uuid.uuid4()),
                   "Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
        conn = http.client.HTTPConnection("127.0.0.1", self.env.hook_port, timeout=30)
        conn.request("POST", f"/hooks/{self.env.app}", body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read() or b"null")
        conn.close()
        return response.status, answer

    def test_counters_move_by_what_happened(self):
        env = self.env
        env.daemon.start()
        before = self.scrape()
        deployed = ("cutover_deployments_total", {"kind": "deploy", "outcome": "succeeded"})
        # Zero series exist for a configured app before anything happened.
        self.assertEqual(self.value(before, deployed[0], **deployed[1]), 0)
        self.assertEqual(self.value(before, "cutover_rollbacks_total", trigger="manual"), 0)
        self.assertEqual(self.value(before, "cutover_switch_duration_seconds_count"), 0)

        def delta(after, name, **labels):
            return self.value(after, name, **labels) - (self.value(before, name, **labels) or 0)

        env.repo.commit_version("v1")
        env.deploy()
        env.repo.commit_version("v2")
        env.deploy()
        env.cli("rollback", env.app)
        self.assertEqual(env.served_version(), "v1")
        after = self.scrape()
        self.assertEqual(delta(after, deployed[0], **deployed[1]), 2)
        self.assertEqual(delta(after, "cutover_deployments_total", kind="rollback", outcome="succeeded"), 1)
        self.assertEqual(delta(after, "cutover_deployments_total", kind="deploy", outcome="failed"), 0)
        self.assertEqual(delta(after, "cutover_deployments_total", kind="deploy", outcome="superseded"), 0)
        self.assertEqual(delta(after, "cutover_rollbacks_total", trigger="manual"), 1)
        self.assertEqual(delta(after, "cutover_rollbacks_total", trigger="automatic"), 0)
        self.assertEqual(delta(after, "cutover_switch_duration_seconds_count"), 3)
        # Two commits, two builds; the rollback builds nothing.
        self.assertEqual(delta(after, "cutover_build_duration_seconds_count"), 2)
        self.assertEqual(delta(after, "cutover_step_duration_seconds_count", step="health"), 3)
        self.assertEqual(self.value(after, "cutover_switch_duration_seconds_bucket", le="+Inf"), 3)
        self.assertGreater(self.value(after, "cutover_build_duration_seconds_sum"), 0)
        self.assertEqual(delta(after, "cutover_health_check_failures_total"), 0)

        # A release that never gets healthy: one failed deployment, health failures counted.
        env.repo.commit_version("v3-sick", env={"FAIL_HEALTH": "1"})
        self.assertEqual(env.deploy(check=False).returncode, 1)
        sick = self.scrape()
        self.assertEqual(delta(sick, "cutover_deployments_total", kind="deploy", outcome="failed"), 1)
        self.assertGreaterEqual(delta(sick, "cutover_health_check_failures_total"), 1)
        self.assertEqual(delta(sick, deployed[0], **deployed[1]), 2)
        self.assertEqual(delta(sick, "cutover_switch_duration_seconds_count"), 3)

        # Webhooks: a signed push of an old commit is ignored (the branch has
        # moved on), an unsigned one is refused.
        v1 = env.releases()[-1]["sha"]
        status, answer = self.webhook(v1, signed=True)
        self.assertEqual(status, 200, answer)
        self.assertIn("is not the tip of main", answer["ignored"])
        self.assertEqual(self.webhook(v1, signed=False)[0], 401)
        hooks = self.scrape()
        ignored = {"app": None, "provider": "github", "result": "ignored"}
        refused = {"app": None, "provider": "github", "result": "unauthorized"}
        self.assertEqual(self.value(hooks, "cutover_webhooks_total", **ignored), 1)
        self.assertEqual(self.value(hooks, "cutover_webhooks_total", **refused), 1)
        self.assertEqual(self.value(before, "cutover_webhooks_total", **ignored), None)
        # Nothing was deployed for it.
        self.assertEqual(delta(hooks, deployed[0], **deployed[1]), 2)
        self.assertEqual(delta(hooks, "cutover_switch_duration_seconds_count"), 3)

    def test_daemon_gauges_and_healthz(self):
        env = self.env
        env.daemon.start()
        samples = self.scrape()
        self.assertEqual(self.value(samples, "cutover_build_info", app=None, version=self.version()), 1)
        self.assertGreater(self.value(samples, "cutover_uptime_seconds", app=None), 0)
        # The scrape's own connection is open while it is answered.
        self.assertGreaterEqual(self.value(samples, "cutover_open_connections", app=None, listener="hooks"), 1)
        # The CLI calls that saw the daemon start have ended (their sessions close just after).
        for _ in range(10):  # slower than the rate limit refills
            control = self.value(self.scrape(), "cutover_open_connections", app=None, listener="control")
            if control == 0:
                break
            time.sleep(0.5)
        self.assertEqual(control, 0)
        self.assertEqual(self.value(samples, "cutover_environments_awake", app=None), 0)

        # Requests to /hooks/ refused before they are judged are counted too.
        self.assertEqual(self.get(f"/hooks/{env.app}")[0].status, 405)
        conn = http.client.HTTPConnection("127.0.0.1", env.hook_port, timeout=30)
        conn.request("POST", f"/hooks/{env.app}", body=b"{" + b" " * (26 << 20) + b"}",
                     headers={"X-GitHub-Event": "push"})
        self.assertEqual(conn.getresponse().status, 413)
        conn.close()
        refused = self.scrape()
        self.assertEqual(self.value(refused, "cutover_webhooks_total", app=None, provider="unknown",
                                    result="malformed"), 1)
        self.assertEqual(self.value(refused, "cutover_webhooks_total", app=None, provider="github",
                                    result="too_large"), 1)

        response, body = self.get("/healthz")
        self.assertEqual(response.status, 200, body)
        health = json.loads(body)
        self.assertEqual(health["status"], "ok")
        self.assertIsInstance(health["uptime_s"], int)
        self.assertEqual(health["version"], self.version())

    def version(self):
        return json.loads(self.env.cli("--json", "version").stdout)["daemon"]


if __name__ == "__main__":
    import unittest
    unittest.main()
