"""SPEC guarantee 2: a cutover under load fails no request, in-flight requests
finish, and an open WebSocket holds the old release until the drain ends."""
import subprocess
import time

from harness import CUTOVER, IntegrationTest, SlowRequests, WebSocket, wait_for


def step_event(env, deployment, step, kind):
    for event in env.events(deployment):
        if event.get("step") == step and event.get("kind") == kind:
            return event
    return None


class CutoverUnderLoad(IntegrationTest):
    env_options = {"replicas": 2, "drain_timeout": "30s"}

    def test_v1_to_v2_under_load(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(env.served_version(), "v1")

        # v2 takes 1.5 s to start, so the slow requests below are in flight
        # on v1 when traffic switches.
        env.repo.commit_version("v2", env={"START_DELAY_MS": "1500"})
        ws = WebSocket(env.listen_port)
        self.assertEqual(ws.echo("before"), "before")
        load = env.loadgen()
        deployment = env.cli_json("deploy", env.app, "--detach")["deployment"]["id"]
        follower = subprocess.Popen([CUTOVER, "--socket", env.socket, "logs", str(deployment), "--follow"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        wait_for(lambda: step_event(env, deployment, "start", "end"), 120, "the new containers to start")
        slow = SlowRequests(env, 8, 2000)

        switched = wait_for(lambda: step_event(env, deployment, "switch", "end"), 60, "the switch")
        self.assertEqual(env.served_version(), "v2")
        # The WebSocket still talks to v1 through the old nginx worker.
        self.assertEqual(ws.echo("after switch"), "after switch")
        time.sleep(2)
        self.assertIsNone(step_event(env, deployment, "drain", "end"),
                          "the drain ended while a WebSocket to the old release was open")
        closed_at_ms = time.time() * 1000
        ws.close()

        out, err = follower.communicate(timeout=60)
        self.assertEqual(follower.returncode, 0, out + err)
        drained = step_event(env, deployment, "drain", "end")
        self.assertGreaterEqual(drained["at"], closed_at_ms - 100, "drain ended before the WebSocket closed")
        self.assertLess(drained["at"] - switched["at"], 30000, "drain waited for its timeout, not for the close")

        report = load.stop()
        results = slow.wait()
        self.assertEqual(report["failed"], 0, report)
        self.assertGreater(report["requests"], 200, report)
        self.assertIn("v1", report["bodies"], report)
        self.assertIn("v2", report["bodies"], report)
        self.assertEqual(results, [(200, "v1 slow 2000")] * 8)

        status = env.status()
        self.assertEqual(status["live"]["id"], f"{env.app}@2")
        self.assertEqual([r["id"] for r in status["standby"]], [f"{env.app}@1"])
        containers = env.containers()
        self.assertEqual(containers, {f"{env.app}-1-0": "exited", f"{env.app}-1-1": "exited",
                                      f"{env.app}-2-0": "running", f"{env.app}-2-1": "running"})

    def test_same_commit_is_not_redeployed(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        out = env.deploy().stdout
        self.assertIn("nothing to do", out)
        self.assertEqual(len(env.releases()), 1)


if __name__ == "__main__":
    import unittest
    unittest.main()
