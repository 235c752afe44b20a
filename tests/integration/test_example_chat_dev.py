"""examples/chat-dev: a WebSocket app with 2 replicas whose dev environment
sleeps outside Mon-Fri 09:00-19:00 Asia/Seoul."""
import datetime
import unittest
import zoneinfo

from example_env import ExampleEnv
from harness import WebSocket, wait_for

HOST = "chat.localhost"
SEOUL = zoneinfo.ZoneInfo("Asia/Seoul")


class ChatDev(unittest.TestCase):
    def setUp(self):
        self.env = ExampleEnv("chat-dev")
        self.addCleanup(self.env.cleanup)

    def environment(self):
        return self.env.cli_json("env", "show", "dev")["environment"]

    def test_schedule_deploy_under_load_sleep_and_wake(self):
        env = self.env
        env.daemon.start()
        dev = self.environment()
        self.assertEqual(dev["timezone"], "Asia/Seoul")
        self.assertEqual(len(dev["next"]), 5, dev)
        for transition in dev["next"]:
            local = datetime.datetime.fromtimestamp(transition["at"] / 1000, SEOUL)
            self.assertLess(local.weekday(), 5, transition)  # Monday to Friday
            expected = {"wake": (9, 0), "sleep": (19, 0)}[transition["action"]]
            self.assertEqual((local.hour, local.minute), expected, transition)

        # Whatever the time of the test, held awake for it.
        env.cli("env", "wake", "dev", "--for", "1h")
        wait_for(lambda: self.environment()["state"] == "awake", 60, "dev awake")
        env.cli("deploy", "chat")
        self.assertEqual(env.get(HOST), (200, "chat v1"))
        self.assertEqual(len(env.containers("chat")), 2)

        ws = WebSocket(env.listen_port, host=HOST, path="/ws")
        self.assertEqual(ws.echo("hello"), "hello")

        def socket_outlives_the_switch():
            # Opened on v1, it still talks once v2 serves; closing it ends the drain.
            self.assertEqual(ws.echo("still here"), "still here")
            ws.close()

        report = env.redeploy_under_load(self, "chat", HOST, "/", "chat/Dockerfile", 'APP_VERSION="chat v1"',
                                         'APP_VERSION="chat v2"', after_switch=socket_outlives_the_switch)
        self.assertEqual(set(report["bodies"]), {"chat v1", "chat v2"}, report)
        self.assertEqual(env.get(HOST), (200, "chat v2"))

        # A sleep held by hand: the page, and no wake on request.
        env.cli("env", "sleep", "dev", "--for", "1h")
        wait_for(lambda: self.environment()["state"] == "asleep", 120, "dev asleep")
        status, _ = env.get(HOST)
        self.assertEqual(status, 503)
        self.assertEqual(env.containers("chat"), [])
        env.cli("env", "wake", "dev", "--for", "1h")
        wait_for(lambda: env.get(HOST) == (200, "chat v2"), 120, "chat v2 serving again")


if __name__ == "__main__":
    unittest.main()
