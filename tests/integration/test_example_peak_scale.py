"""examples/peak-scale: three services; orders scales for the lunch and
dinner peaks in Europe/Paris."""
import datetime
import os
import re
import time
import unittest
import zoneinfo

from example_env import ExampleEnv
from harness import SOURCE

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
# Around a scale change the count is in flux: a check is not started this
# close before one (reading the clock and counting take well under a second)...
BEFORE_CHANGE_S = 30
# ...nor this soon after one: the reconciler's pass, then new replicas started
# and health-checked, or old ones drained (drain_timeout 20s) and stopped
# (stop_timeout 5s), with room for one retry after a failure (30 s).
AFTER_CHANGE_S = 90


def scale_rules():
    """[(hour, minute, replicas)] of the example's environment, daily crons only."""
    with open(os.path.join(SOURCE, "examples", "peak-scale", "cutover.yml")) as f:
        text = f.read()
    rules = [(int(h), int(m), int(n)) for m, h, n in
             re.findall(r'\{cron: "(\d+) (\d+) \* \* \*", replicas: (\d+)\}', text)]
    if len(rules) != len(re.findall(r"\bcron:", text)):
        raise AssertionError("examples/peak-scale/cutover.yml has a scale rule other than 'M H * * *'; "
                             "teach scale_rules() to read it")
    return rules


def scale_changes(now, rules, days=(-1, 0, 1)):
    """[(instant in UTC, replicas)] of the rules' firings on these days (in
    Paris, relative to now's), in order."""
    today = now.astimezone(PARIS).date()
    return sorted((datetime.datetime.combine(today + datetime.timedelta(days=d), datetime.time(h, m),
                                             PARIS).astimezone(datetime.timezone.utc), n)
                  for d in days for h, m, n in rules)


def wanted_orders_replicas(now, rules):
    """The replicas of the rule that fired last at or before now (a rule fires
    every day, so one always has)."""
    return [n for at, n in scale_changes(now, rules) if at <= now][-1]


def wait_out_scale_change(rules):
    """Returns once no scale change is less than BEFORE_CHANGE_S ahead or
    AFTER_CHANGE_S behind, sleeping through one if need be; returns now."""
    while True:
        now = datetime.datetime.now(datetime.timezone.utc)
        near = [at for at, _ in scale_changes(now, rules)
                if -AFTER_CHANGE_S < (at - now).total_seconds() < BEFORE_CHANGE_S]
        if not near:
            return now
        wait = (near[-1] - now).total_seconds() + AFTER_CHANGE_S
        print(f"\norders is scaled at {near[-1].astimezone(PARIS):%H:%M} Paris time; checking its replicas "
              f"{wait:.0f}s later", flush=True)
        time.sleep(wait)


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

        # The schedule the replica checks below follow is the daemon's, to the millisecond.
        rules = scale_rules()
        expected = {(int(at.timestamp() * 1000), f"scale to {n}")
                    for at, n in scale_changes(datetime.datetime.now(datetime.timezone.utc), rules, range(-1, 4))}
        self.assertTrue(peaks["next"], peaks)
        for t in peaks["next"]:
            self.assertIn((t["at"], t["action"]), expected, peaks["next"])

        def assert_orders_replicas():
            now = wait_out_scale_change(rules)
            wanted = wanted_orders_replicas(now, rules)
            running = env.containers("orders")
            self.assertEqual(len(running), wanted,
                             f"at {now.astimezone(PARIS):%H:%M:%S} Paris time the schedule wants {wanted} "
                             f"replicas of orders; running: {running}")

        for app in env.apps:
            env.cli("deploy", app)
        assert_orders_replicas()
        self.assertEqual(len(env.containers("web")), 2)
        self.assertEqual(len(env.containers("mailer")), 1)
        self.assertEqual(env.get("food.localhost", "/"), (200, "web v1"))
        self.assertEqual(env.get("food.localhost", "/orders/version"), (200, "orders v1"))
        self.assertEqual(env.get("mail.localhost", "/"), (200, "mailer v1"))

        report = env.redeploy_under_load(self, "orders", "food.localhost", "/orders/version", "orders/Dockerfile",
                                         'APP_VERSION="orders v1"', 'APP_VERSION="orders v2"')
        self.assertEqual(set(report["bodies"]), {"orders v1", "orders v2"}, report)
        assert_orders_replicas()
        report = env.redeploy_under_load(self, "web", "food.localhost", "/", "web/Dockerfile",
                                         'APP_VERSION="web v1"', 'APP_VERSION="web v2"')
        self.assertEqual(set(report["bodies"]), {"web v1", "web v2"}, report)
        report = env.redeploy_under_load(self, "mailer", "mail.localhost", "/", "mailer/Dockerfile",
                                         'APP_VERSION="mailer v1"', 'APP_VERSION="mailer v2"')
        self.assertEqual(set(report["bodies"]), {"mailer v1", "mailer v2"}, report)


if __name__ == "__main__":
    unittest.main()
