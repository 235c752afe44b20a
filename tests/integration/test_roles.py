"""Roles: a worker from the same image as the routed app, replaced after the
routed role is live; the old worker finishes its job in flight within
stop_timeout, and the web traffic loses nothing meanwhile."""
import re
import unittest

from harness import IntegrationTest, run, wait_for

# Each job takes 3 s; stop_timeout (5 s in the harness) covers what is left of one.
WORKER = '    roles:\n      worker: {env: {WORKER_JOB_MS: "3000"}, replicas: 1}\n'


def logs(name):
    proc = run(["docker", "logs", name])
    return proc.stdout + proc.stderr


def exit_code(name):
    return run(["docker", "inspect", "-f", "{{.State.ExitCode}} {{.State.Status}}", name]).stdout.split()


class Roles(IntegrationTest):
    env_options = {"replicas": 2, "app_extra": WORKER}

    def test_the_old_worker_finishes_its_job_across_its_replacement(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        old_worker, new_worker = f"{env.app}-1-worker-0", f"{env.app}-2-worker-0"
        self.assertEqual(env.containers().get(old_worker), "running")
        wait_for(lambda: "job 1 started" in logs(old_worker), 30, "the worker's first job")

        env.repo.commit_version("v2")
        load = env.loadgen()
        out = env.deploy().stdout
        report = load.stop()
        self.assertEqual(report["failed"], 0, report)
        self.assertIn("roles", out)

        # Stopped with SIGTERM in the middle of a job: it finished that job, then exited 0.
        old = logs(old_worker)
        stopped = re.search(r"got a stop signal during job (\d+), finishing it", old)
        self.assertIsNotNone(stopped, old)
        self.assertIn(f"job {stopped.group(1)} done", old)
        self.assertIn("worker stopped", old)
        self.assertEqual(exit_code(old_worker), ["0", "exited"])
        # The new worker took over before the old one was asked to stop.
        new = logs(new_worker)
        self.assertIn("testapp v2 worker ready", new)
        self.assertEqual(env.containers().get(new_worker), "running")

    def test_a_worker_that_exits_at_start_rolls_the_web_role_back(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        # v2's worker dies at once (the testapp refuses a malformed setting); its web role is healthy.
        env.repo.commit_version("v2")
        with open(env.config_path) as f:
            config = f.read()
        with open(env.config_path, "w") as f:
            f.write(config.replace('WORKER_JOB_MS: "3000"', 'WORKER_JOB_MS: "soon"'))
        env.cli("config", "reload")
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("role container", result.stdout + result.stderr)
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        self.assertEqual(env.containers().get(f"{env.app}-1-worker-0"), "running")


if __name__ == "__main__":
    unittest.main()
