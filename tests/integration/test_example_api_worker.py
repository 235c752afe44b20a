"""examples/api-worker: API and worker roles from one image beside a
database, a cache and a broker (local stand-ins), with a verify stage that
rolls back on 5xx or latency."""
import re
import unittest

from example_env import ExampleEnv
from harness import run, wait_for

HOST = "shop-api.localhost"


def logs(name):
    proc = run(["docker", "logs", name])
    return proc.stdout + proc.stderr


class ApiWorker(unittest.TestCase):
    def setUp(self):
        # A short verify window keeps the test short; the thresholds stay.
        self.env = ExampleEnv("api-worker", overrides=[("window: 1m", "window: 6s"),
                                                       ("min_requests: 20", "min_requests: 10")])
        self.addCleanup(self.env.cleanup)

    def test_accessories_roles_and_verify(self):
        env = self.env
        self.assertEqual(env.accessories, ["db", "cache", "broker"])
        env.daemon.start()
        accessories = {a["name"]: a for a in env.cli_json("accessory", "ls")["accessories"]}
        self.assertEqual(set(accessories), {"db", "cache", "broker"})
        self.assertTrue(all(a["state"] == "running" for a in accessories.values()), accessories)
        # The broker was built from the repository's branch tip.
        tip = env.repo.git("rev-parse", "HEAD")[:12]
        self.assertTrue(accessories["broker"]["image"].startswith(f"cutover/accessory-broker:{tip}-"), accessories)
        db_container = run(["docker", "ps", "-q", "--filter", "label=cutover.accessory=db"]).stdout.split()

        env.cli("deploy", "shop")
        self.assertEqual(env.get(HOST), (200, "api v1"))
        self.assertEqual(len(env.containers("shop")), 4)  # 2 API replicas, 2 workers
        api = "shop-1-0"
        for name, port in (("db", 5432), ("cache", 6379), ("broker", 5672)):
            var = name.upper()
            got = run(["docker", "exec", api, "sh", "-c", f"echo ${var}_HOST:${var}_PORT; "
                       f"wget -qO- http://${var}_HOST:${var}_PORT/"]).stdout.split()
            self.assertEqual(got, [f"{name}:{port}", name])

        # v2 under load: the API switches, the old workers finish their jobs.
        wait_for(lambda: "job 1 started" in logs("shop-1-worker-0"), 30, "a job in flight")
        report = env.redeploy_under_load(self, "shop", HOST, "/", "app/Dockerfile", 'APP_VERSION="api v1"',
                                         'APP_VERSION="api v2"')
        self.assertEqual(set(report["bodies"]), {"api v1", "api v2"}, report)
        for worker in ("shop-1-worker-0", "shop-1-worker-1"):
            old = logs(worker)
            job = re.search(r"got a stop signal during job (\d+)", old)
            self.assertIsNotNone(job, old)
            self.assertIn(f"job {job.group(1)} done", old)
        # The accessories were not touched by the deployment.
        self.assertEqual(run(["docker", "ps", "-q", "--filter", "label=cutover.accessory=db"]).stdout.split(),
                         db_container)

        # v3 answers 500 on its pages (health stays fine): verify rolls back to v2.
        env.commit_change("app/Dockerfile", 'APP_VERSION="api v2"', 'APP_VERSION="api v3" PAGE_STATUS=500')
        load = env.loadgen("/", HOST)
        result = env.cli("deploy", "shop", check=False)
        load.stop()
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("verify", result.stdout + result.stderr)
        wait_for(lambda: env.get(HOST) == (200, "api v2"), 60, "v2 serving again after the rollback")
        self.assertEqual(len(env.containers("shop")), 4)

        # A new commit of the broker: built and put in place at the next reload.
        env.commit_change("broker/Dockerfile", 'APP_VERSION="broker"', 'APP_VERSION="broker v2"')
        env.cli("config", "reload")
        answer = lambda: run(["docker", "exec", "shop-2-0", "wget", "-qO-", "http://broker:5672/"],
                             check=False).stdout.strip()
        wait_for(lambda: answer() == "broker v2", 120, "the rebuilt broker")


if __name__ == "__main__":
    unittest.main()
