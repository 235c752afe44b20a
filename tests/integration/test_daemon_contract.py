"""Daemon-level promises: one deployment per app with the newest trigger
winning, a 0660 control socket, JSON logs, and secrets that never leave the
container (SPEC sections 3, 5, 6)."""
import json
import os
import signal
import stat
import time

from harness import IntegrationTest, wait_for


class NewestTriggerWins(IntegrationTest):
    def test_waiting_deployment_is_superseded(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        slow = env.repo.commit_version("v2", env={"START_DELAY_MS": "3000"})
        middle = env.repo.commit_version("v3")
        newest = env.repo.commit_version("v4")
        def submit(sha):
            return env.cli_json("deploy", env.app, "--ref", sha, "--detach")["deployment"]["id"]

        def state(deployment):
            return env.api("GET", f"/v1/deployments/{deployment}")[1]["deployment"]["state"]

        ids = [submit(slow)]
        wait_for(lambda: state(ids[0]) == "running", 30, "the first deployment to run")
        ids += [submit(middle), submit(newest)]

        def finished():
            states = [state(i) for i in ids]
            return states if all(s not in ("queued", "running") for s in states) else None

        states = wait_for(finished, 120, "the three deployments to end")
        self.assertEqual(states, ["succeeded", "superseded", "succeeded"])
        self.assertEqual(env.served_version(), "v4")
        self.assertEqual(env.status()["live"]["sha"], newest)
        # The superseded commit was never built.
        built = {r["sha"] for r in env.releases()}
        self.assertNotIn(middle, built)


class SocketAndLogs(IntegrationTest):
    env_options = {"log_format": "json"}

    def test_socket_mode_and_json_logs(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        mode = stat.S_IMODE(os.stat(env.socket).st_mode)
        self.assertEqual(oct(mode), oct(0o660))
        lines = [line for line in env.daemon.log().splitlines() if line.strip()]
        self.assertGreater(len(lines), 5)
        records = [json.loads(line) for line in lines]
        self.assertTrue(all({"time", "level", "msg"} <= set(r) for r in records))
        self.assertTrue(any("is live" in r["msg"] for r in records))
        # Deployment events carry who and where as fields of their own.
        switch = [r for r in records if r.get("step") == "switch" and r.get("kind") == "end"]
        self.assertEqual(len(switch), 1, records)
        self.assertEqual(switch[0]["app"], env.app)
        self.assertEqual(switch[0]["release"], f"{env.app}@1")
        self.assertIsInstance(switch[0]["deployment"], int)
        self.assertGreaterEqual(switch[0]["duration_ms"], 0)


class SecretsStayInside(IntegrationTest):
    SECRET = "hunter2-s3cr3t-value-91d7"

    def setUp(self):
        self.env_file = f"/tmp/cutover-secret-{os.getpid()}.env"
        with open(self.env_file, "w") as f:
            f.write(f"# secrets\nDB_PASSWORD={self.SECRET}\n")
        self.addCleanup(os.unlink, self.env_file)
        self.env_options = {"app_extra": f"    env_file: {self.env_file}\n"}
        super().setUp()

    def test_env_file_secret_never_shown(self):
        env = self.env
        env.repo.commit_version("v1", env={"FAIL_HEALTH": "0"})
        env.daemon.start()
        env.deploy()
        # The container got it...
        inspect = json.loads(env.cli("--json", "status").stdout)
        self.assertEqual(env.served_version(), "v1")
        container_env = os.popen(f"docker inspect --format '{{{{json .Config.Env}}}}' {env.app}-1-0").read()
        self.assertIn(f"DB_PASSWORD={self.SECRET}", container_env)
        # ...and nothing cutover shows or logs has it.
        deployment = env.deployments()[0]["id"]
        shown = [env.daemon.log(), json.dumps(inspect), json.dumps(env.events(deployment)),
                 json.dumps(env.releases()), env.cli("logs", str(deployment)).stdout]
        for text in shown:
            self.assertNotIn(self.SECRET, text)




class ConfigReload(IntegrationTest):
    def test_reload_applies_valid_and_keeps_running_on_invalid(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        with open(env.config_path) as f:
            original = f.read()
        with open(env.config_path, "w") as f:
            f.write(original.replace("replicas: 1", "replicas: 2"))
        env.cli("config", "reload")
        env.repo.commit_version("v2")
        env.deploy()
        self.assertEqual(len(env.status()["live"]["ports"]), 2)

        with open(env.config_path, "w") as f:
            f.write(original.replace("replicas: 1", "replicas: 2") + "    colour: blue\n")
        refused = env.cli("config", "reload", check=False)
        self.assertEqual(refused.returncode, 2, refused.stderr)
        self.assertIn(f"{env.config_path}:", refused.stderr)
        self.assertIn("colour", refused.stderr)
        env.daemon.proc.send_signal(signal.SIGHUP)
        time.sleep(0.5)
        self.assertIsNone(env.daemon.proc.poll(), "cutoverd died on an invalid config")
        self.assertIn("config reload refused", env.daemon.log())
        # The last good config is still in force.
        env.repo.commit_version("v3")
        env.deploy()
        self.assertEqual(len(env.status()["live"]["ports"]), 2)
        self.assertEqual(env.served_version(), "v3")


if __name__ == "__main__":
    import unittest
    unittest.main()
