"""`cutover rollback` returns to the previous release in seconds, under load
with zero failed requests; `--to` reaches any retained release."""
import time

from harness import IntegrationTest


class Rollback(IntegrationTest):
    env_options = {"drain_timeout": "5s"}

    def test_rollback_and_to(self):
        env = self.env
        env.daemon.start()
        for version in ("v1", "v2", "v3"):
            env.repo.commit_version(version)
            env.deploy()
        self.assertEqual(env.served_version(), "v3")

        load = env.loadgen()
        started = time.monotonic()
        result = env.cli("rollback", env.app)
        rollback_seconds = time.monotonic() - started
        self.assertEqual(env.served_version(), "v2")
        self.assertIn("rolling back", result.stdout)
        env.cli("rollback", env.app, "--to", f"{env.app}@1")
        self.assertEqual(env.served_version(), "v1")
        report = load.stop()

        self.assertEqual(report["failed"], 0, report)
        self.assertLess(rollback_seconds, 10, "a rollback must not rebuild or refetch")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        states = {r["id"]: r["state"] for r in env.releases()}
        self.assertEqual(states, {f"{env.app}@1": "live", f"{env.app}@2": "standby", f"{env.app}@3": "standby"})
        print(f"\nrollback took {rollback_seconds:.2f}s")

    def test_rollback_errors(self):
        env = self.env
        env.daemon.start()
        env.repo.commit_version("v1")
        env.deploy()
        nothing = env.cli("rollback", env.app, check=False)
        self.assertEqual(nothing.returncode, 1)
        self.assertIn("no retained standby release", nothing.stderr)
        missing = env.cli("rollback", env.app, "--to", f"{env.app}@9", check=False)
        self.assertEqual(missing.returncode, 1)
        self.assertIn(f"there is no release {env.app}@9", missing.stderr)
        self.assertEqual(env.served_version(), "v1")


class RetentionOfStandbys(IntegrationTest):
    env_options = {"drain_timeout": "2s", "retain": 1}

    def test_only_retain_standbys_are_kept(self):
        env = self.env
        env.daemon.start()
        for version in ("v1", "v2", "v3"):
            env.repo.commit_version(version)
            env.deploy()
        states = {r["id"]: r["state"] for r in env.releases()}
        self.assertEqual(states, {f"{env.app}@1": "removed", f"{env.app}@2": "standby", f"{env.app}@3": "live"})
        self.assertEqual(set(env.containers()), {f"{env.app}-2-0", f"{env.app}-3-0"})


if __name__ == "__main__":
    import unittest
    unittest.main()
