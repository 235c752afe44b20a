"""Pipeline stages (SPEC section 3, steps 3 and 8): test and release stages
gate a release before traffic moves; verify watches the live release's
traffic through nginx and rolls back on its own, losing no request to the
rollback itself."""
import os
import time

from harness import IntegrationTest, wait_for


def pipeline_of(stages):
    return "    pipeline: {stages: [" + ", ".join(stages) + "]}\n"


class GateStages(IntegrationTest):
    env_options = {"app_extra": pipeline_of([
        "build",
        "{test: {command: [sh, -c, 'echo running 3 tests; if [ -e /fail-tests ]; then echo FAIL: test_login; exit 3; fi; echo all passed'], timeout: 20s}}",
        "{release: {command: [sh, -c, 'echo migrating for $APP_VERSION; if [ -e /fail-release ]; then exit 4; fi; if [ -e /hang-release ]; then sleep 60; fi'], timeout: 3s}}",
        "deploy",
    ])}

    def start_with_v1(self):
        self.env.repo.commit_version("v1")
        self.env.daemon.start()
        result = self.env.deploy()
        self.assertEqual(self.env.served_version(), "v1")
        return result

    def assert_v1_still_live(self, report):
        env = self.env
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(list(report["bodies"]), ["v1"], report)
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        # Only v1's replica: the stage's throwaway container is gone too.
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})

    def test_passing_stages_run_in_order_and_log_their_output(self):
        env = self.env
        result = self.start_with_v1()
        out = result.stdout
        self.assertIn("running 3 tests", out)
        self.assertIn("all passed", out)
        self.assertIn("migrating for v1", out)  # the stage sees the image's env
        self.assertLess(out.index("all passed"), out.index("migrating for v1"))
        self.assertLess(out.index("migrating for v1"), out.index("- start"))
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})

    def test_failing_test_stage_changes_nothing_live(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2", extra_dockerfile="RUN touch /fail-tests")
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("FAIL: test_login", result.stdout)
        self.assertIn("test stage: `sh -c", result.stderr)
        self.assertIn("exited with code 3", result.stderr)
        self.assertNotIn("migrating for v2", result.stdout)  # later stages do not run
        self.assert_v1_still_live(report)
        self.assertEqual(env.releases()[0]["state"], "failed")

    def test_failing_release_stage_changes_nothing_live(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2", extra_dockerfile="RUN touch /fail-release")
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("migrating for v2", result.stdout)
        self.assertIn("exited with code 4", result.stderr)
        self.assert_v1_still_live(report)

    def test_a_stage_over_its_timeout_is_killed(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2", extra_dockerfile="RUN touch /hang-release")
        started = time.monotonic()
        result = env.deploy(check=False)
        self.assertLess(time.monotonic() - started, 30)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("still running after its timeout of 3s and was killed", result.stderr)
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})


class Verify(IntegrationTest):
    env_options = {"app_extra": pipeline_of([
        "build", "deploy", "{verify: {window: 10s, max_5xx_ratio: 5%, min_requests: 50}}",
    ])}

    def test_a_release_answering_500_is_rolled_back_without_losing_requests(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()  # no traffic yet: passes verify at the end of its window
        load = env.loadgen()
        env.repo.commit_version("v2-bad", env={"PAGE_STATUS": "500"})
        started = time.monotonic()
        result = env.deploy(check=False)
        took = time.monotonic() - started
        time.sleep(0.5)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("verify: ", result.stderr)
        self.assertIn("answered 5xx", result.stderr)
        self.assertIn(f"rolled back to {env.app}@1", result.stderr)
        # The verdict comes as soon as the threshold is crossed, inside the
        # window (the deployment's wall time also holds a build and a
        # rollback, which a loaded machine stretches).
        deployment = next(d["id"] for d in env.deployments() if d["state"] == "failed")
        verdict = [e for e in env.events(deployment) if e.get("step") == "verify" and e.get("kind") == "fail"]
        self.assertEqual(len(verdict), 1, env.events(deployment))
        self.assertLess(verdict[0]["duration_ms"], 10000, verdict)
        self.assertLess(took, 60)
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        states = {r["id"]: r["state"] for r in env.releases()}
        self.assertEqual(states[f"{env.app}@2"], "failed")
        # Every request got an answer from an app: v1's 200s or v2-bad's own
        # 500s. None was lost to the switches (no 502/504, no connection errors).
        self.assertEqual(set(report["status"]) - {"200", "500"}, set(), report)
        self.assertGreater(int(report["status"].get("500", 0)), 0, report)
        lost = {kind: n for kind, n in report["errors"].items() if kind != "non_2xx"}
        self.assertEqual(sum(lost.values()), 0, report)
        bodies = report["bodies"]
        self.assertEqual(set(bodies), {"v1", "v2-bad"}, report)
        self.assertGreater(bodies["v1"]["last_ms"], bodies["v2-bad"]["last_ms"] + 400, "v1 serves again at the end")
        # The rollback is a deployment of its own, triggered by verify.
        rollback = env.deployments()[0]
        self.assertEqual((rollback["kind"], rollback["trigger"], rollback["state"]),
                         ("rollback", "verify", "succeeded"), rollback)
        # nginx wrote the app's access log in cutover's format.
        log = os.path.join(env.root, "state", "logs", f"{env.app}.access.log")
        with open(log) as f:
            first = f.readline().split()
        self.assertEqual(len(first), 4, first)

    def test_a_healthy_release_passes_verify(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        load = env.loadgen()
        env.repo.commit_version("v2")
        result = env.deploy()
        report = load.stop()
        self.assertIn("passed: ", result.stdout)
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(report["failed"], 0, report)


if __name__ == "__main__":
    import unittest
    unittest.main()
