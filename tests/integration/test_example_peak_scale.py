"""examples/peak-scale: three services; orders scales for the lunch and
dinner peaks in Europe/Paris."""
import datetime
import unittest
import zoneinfo

from example_env import ExampleEnv

PARIS = zoneinfo.ZoneInfo("Europe/Paris")


def wanted_orders_replicas(now):
    minutes = now.hour * 60 + now.minute
    return 4 if 690 <= minutes < 810 or 1050 <= minutes < 1230 else 2


class PeakScale(unittest.TestCase):
    def setUp(self):
        self.env = ExampleEnv("peak-scale")
        self.addCleanup(self.env.cleanup)

    def test_three_services_scaled_by_the_clock_and_deployed_under_load(self):
        env = self.env
        self.assertEqual(env.apps, ["web", "orders", "mailer"])
        env.daemon.start()
        peaks = env.cli_json("env", "show", "peaks")["environment"]
        self.assertEqual(peaks["state"], "awake")
        changes = [(datetime.datetime.fromtimestamp(t["at"] / 1000, PARIS).strftime("%H:%M"), t["action"])
                   for t in peaks["next"]]
        for at, action in changes:
            self.assertIn((at, action), {("11:30", "scale to 4"), ("13:30", "scale to 2"),
                                         ("17:30", "scale to 4"), ("20:30", "scale to 2")}, changes)

        for app in env.apps:
            env.cli("deploy", app)
        wanted = wanted_orders_replicas(datetime.datetime.now(PARIS))
        self.assertEqual(len(env.containers("orders")), wanted)
        self.assertEqual(len(env.containers("web")), 2)
        self.assertEqual(len(env.containers("mailer")), 1)
        self.assertEqual(env.get("food.localhost", "/"), (200, "web v1"))
        self.assertEqual(env.get("food.localhost", "/orders/version"), (200, "orders v1"))
        self.assertEqual(env.get("mail.localhost", "/"), (200, "mailer v1"))

        report = env.redeploy_under_load(self, "orders", "food.localhost", "/orders/version", "orders/Dockerfile",
                                         'APP_VERSION="orders v1"', 'APP_VERSION="orders v2"')
        self.assertEqual(set(report["bodies"]), {"orders v1", "orders v2"}, report)
        self.assertEqual(len(env.containers("orders")), wanted_orders_replicas(datetime.datetime.now(PARIS)))
        report = env.redeploy_under_load(self, "web", "food.localhost", "/", "web/Dockerfile",
                                         'APP_VERSION="web v1"', 'APP_VERSION="web v2"')
        self.assertEqual(set(report["bodies"]), {"web v1", "web v2"}, report)
        report = env.redeploy_under_load(self, "mailer", "mail.localhost", "/", "mailer/Dockerfile",
                                         'APP_VERSION="mailer v1"', 'APP_VERSION="mailer v2"')
        self.assertEqual(set(report["bodies"]), {"mailer v1", "mailer v2"}, report)


if __name__ == "__main__":
    unittest.main()
