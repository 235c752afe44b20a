"""SPEC guarantee 4: kill -9 of cutoverd in the middle of a deployment, then a
restart, converges to exactly one live release routed by nginx, no orphan
containers or ports, and the interrupted deployment marked."""
from harness import IntegrationTest, WebSocket, wait_for


class CrashRecovery(IntegrationTest):
    env_options = {"drain_timeout": "60s"}

    def deploy_detached(self):
        return self.env.cli_json("deploy", self.env.app, "--detach")["deployment"]["id"]

    def assert_ports_only_for(self, release_ids):
        with_ports = {r["id"] for r in self.env.releases() if r["ports"]}
        self.assertEqual(with_ports, set(release_ids))

    def test_kill_after_start(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        env.repo.commit_version("v2", env={"START_DELAY_MS": "5000"})
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "start", "end"), 120, "v2's containers to start")
        env.daemon.kill9()
        self.assertEqual(env.containers().get(f"{env.app}-2-0"), "running")  # the crash left it behind

        env.daemon.start()
        self.assertEqual(env.deployment(deployment)["state"], "failed")
        self.assertIn("interrupted by a daemon restart", env.deployment(deployment)["error"])
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})
        self.assert_ports_only_for([f"{env.app}@1"])
        # And it deploys fine afterwards.
        env.deploy()
        self.assertEqual(env.served_version(), "v2")

    def test_kill_after_switch(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        env.repo.commit_version("v2")
        ws = WebSocket(env.listen_port)  # holds the drain open
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "switch", "end"), 120, "the switch")
        env.daemon.kill9()
        ws.close()

        env.daemon.start()
        self.assertEqual(env.deployment(deployment)["state"], "succeeded")
        status = env.status()
        self.assertEqual(status["live"]["id"], f"{env.app}@2")
        self.assertEqual([r["id"] for r in status["standby"]], [f"{env.app}@1"])
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "exited", f"{env.app}-2-0": "running"})
        self.assert_ports_only_for([f"{env.app}@1", f"{env.app}@2"])

    def test_queued_deployment_survives_kill(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        slow = env.repo.commit_version("v2", env={"START_DELAY_MS": "5000"})
        newest = env.repo.commit_version("v3")
        running = env.cli_json("deploy", env.app, "--ref", slow, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(running, "start", "end"), 120, "v2's containers to start")
        waiting = env.cli_json("deploy", env.app, "--ref", newest, "--detach")["deployment"]["id"]
        self.assertEqual(env.deployment(waiting)["state"], "queued")
        env.daemon.kill9()

        env.daemon.start()
        wait_for(lambda: env.deployment(waiting)["state"] not in ("queued", "running"), 120,
                 "the queued deployment to run after the restart")
        self.assertEqual(env.deployment(running)["state"], "failed")
        self.assertEqual(env.deployment(waiting)["state"], "succeeded")
        self.assertEqual(env.served_version(), "v3")
        self.assertEqual(env.status()["live"]["sha"], newest)

    def test_kill_during_build(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        env.repo.commit_version("v2", extra_dockerfile="RUN sleep 3")
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "build", "begin"), 60, "the build")
        env.daemon.kill9()
        env.daemon.start()
        self.assertEqual(env.deployment(deployment)["state"], "failed")
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})


if __name__ == "__main__":
    import unittest
    unittest.main()
