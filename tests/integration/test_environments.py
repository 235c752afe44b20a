"""Environments (SPEC section 4) with real containers, nginx and cutoverd:
sleeping responses, wake on request, idle_sleep, overrides that expire and
survive a restart, deploys kept ready while asleep, and scaling under load.

The schedules are chosen so that "now" is far from any firing: the last
firing of ASLEEP is a sleep (2 January), of AWAKE a wake. Transitions at
scheduled instants are covered with an injected clock in the unit tests.
"""
import http.client
import json
import threading
import time
import unittest

from harness import IntegrationTest, run, wait_for

ASLEEP = 'wake: "0 0 1 1 *"\n    sleep: "0 0 2 1 *"'
AWAKE = 'wake: "0 0 2 1 *"\n    sleep: "0 0 1 1 *"'


def add_environment(env, schedule, on_request="wake", idle_sleep="0s", scale=""):
    with open(env.config_path, "a") as f:
        f.write(f"""\
environments:
  dev:
    apps: [{env.app}]
    timezone: Asia/Seoul
    {schedule}
    on_request: {on_request}
    idle_sleep: {idle_sleep}
{scale}""")


def request(env, accept="text/html", timeout=10):
    """(status, headers, body) of GET / through nginx."""
    conn = http.client.HTTPConnection("127.0.0.1", env.listen_port, timeout=timeout)
    conn.request("GET", "/", headers={"Host": "app.test", "Accept": accept})
    response = conn.getresponse()
    body = response.read().decode(errors="replace")
    headers = {k.lower(): v for k, v in response.getheaders()}
    conn.close()
    return response.status, headers, body


def environment(env):
    return env.cli_json("env", "show", "dev")["environment"]


def running_containers(env):
    return sorted(name for name, state in env.containers().items() if state == "running")


class SleepAndWake(IntegrationTest):
    def start(self, schedule, **options):
        add_environment(self.env, schedule, **options)
        self.env.repo.commit_version("v1")
        self.env.daemon.start()

    def test_a_request_wakes_the_environment_once_and_idle_sleep_puts_it_back(self):
        env = self.env
        self.start(ASLEEP, idle_sleep="3s")
        wait_for(lambda: environment(env)["state"] == "asleep", 30, "the environment asleep")

        # A deploy while asleep builds and records the release, and starts nothing.
        out = env.deploy().stdout
        self.assertIn("goes live", out)
        self.assertEqual([r["state"] for r in env.releases()], ["ready"])
        self.assertEqual(running_containers(env), [])
        self.assertEqual(environment(env)["state"], "asleep")
        self.assertEqual(environment(env)["apps"][0]["ready_release"], f"{env.app}@1")

        # An API client gets JSON, 503 and Retry-After; its request starts the wake.
        status, headers, body = request(env, accept="application/json")
        self.assertEqual(status, 503, body)
        self.assertIn("retry-after", headers)
        self.assertEqual(json.loads(body)["state"], "waking")

        # Meanwhile, many requests at once: the waiting page or the app, never a 502.
        statuses = []
        bodies = []

        def hammer():
            for _ in range(400):
                s, h, b = request(env)
                statuses.append(s)
                bodies.append(b.strip())
                if s == 200:
                    return
                time.sleep(0.02)

        threads = [threading.Thread(target=hammer) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(set(statuses) - {200, 503}, set(), sorted(set(statuses)))
        self.assertEqual(statuses.count(200), 16, f"{statuses.count(200)} of {len(statuses)} were 200")
        self.assertEqual({b for s, b in zip(statuses, bodies) if s == 200}, {"v1"})
        waiting = [b for s, b in zip(statuses, bodies) if s == 503]
        self.assertTrue(all('http-equiv="refresh"' in page for page in waiting))
        self.assertEqual(env.daemon.log().count("a request asks it to wake"), 1, env.daemon.log()[-4000:])

        # Served first, recorded a moment later (the wake deployment still drains and retains).
        shown = wait_for(lambda: (lambda e: e if e["state"] == "awake" else None)(environment(env)), 30,
                         "the environment recorded awake")
        self.assertEqual(shown["reason"], "request")
        self.assertEqual([r["state"] for r in env.releases()], ["live"])
        wake_deploy = [d for d in env.deployments() if d["trigger"] == "wake"]
        self.assertEqual(len(wake_deploy), 1)
        self.assertEqual(wake_deploy[0]["state"], "succeeded")

        # idle_sleep: three quiet seconds and it sleeps again, containers kept.
        wait_for(lambda: environment(env)["state"] == "asleep", 30, "idle_sleep to put it back to sleep")
        self.assertEqual(environment(env)["reason"], "idle")
        self.assertEqual(list(env.containers().values()), ["exited"])
        status, headers, body = request(env)
        self.assertEqual(status, 503)
        self.assertIn("waking", body)

        # The second wake restarts the kept container: no new deployment.
        wait_for(lambda: request(env)[0] == 200, 60, "the app to serve again")
        self.assertEqual(len([d for d in env.deployments() if d["trigger"] == "wake"]), 1)

    def test_overrides_hold_expire_survive_a_restart_and_page_mode_never_serves_502(self):
        env = self.env
        self.start(AWAKE, on_request="page")
        env.deploy()
        self.assertEqual(env.served_version(), "v1")

        # A sleep override: requests get the page, and do not wake anything.
        out = env.cli("env", "sleep", "dev").stdout
        self.assertIn("dev", out)
        wait_for(lambda: environment(env)["state"] == "asleep", 60, "the override to put it to sleep")
        self.assertEqual(environment(env)["reason"], "override")
        for _ in range(20):
            status, headers, body = request(env)
            self.assertEqual(status, 503, body)
            self.assertIn("retry-after", headers)
        self.assertEqual(running_containers(env), [])

        # The hold is persisted: a kill -9 and a restart keep it asleep.
        env.daemon.kill9()
        env.daemon.start()
        self.assertEqual(environment(env)["state"], "asleep")
        self.assertEqual(environment(env)["hold"]["kind"], "override")
        time.sleep(1)
        self.assertEqual(running_containers(env), [])
        self.assertEqual(request(env)[0], 503)

        # A wake override, then a sleep for two seconds that ends by itself.
        env.cli("env", "wake", "dev")
        wait_for(lambda: environment(env)["state"] == "awake", 60, "the wake override")
        self.assertEqual(env.served_version(), "v1")
        env.cli("env", "sleep", "dev", "--for", "2s")
        wait_for(lambda: environment(env)["state"] == "asleep", 60, "the two-second sleep")
        wait_for(lambda: environment(env)["state"] == "awake", 60, "the schedule to take over again")
        self.assertEqual(environment(env)["reason"], "schedule")
        self.assertIsNone(environment(env)["hold"])
        self.assertEqual(env.served_version(), "v1")

        # What the CLI shows, and what it refuses.
        shown = env.cli("env", "show", "dev").stdout
        self.assertIn("Asia/Seoul", shown)
        self.assertIn("UTC", shown)
        self.assertIn("wake", shown)
        self.assertIn("dev", env.cli("env", "ls").stdout)
        self.assertEqual(env.cli("env", "wake", "nope", check=False).returncode, 1)
        bad = env.cli("env", "sleep", "dev", "--until", "yesterday", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("HH:MM", bad.stderr)
        both = env.cli("env", "sleep", "dev", "--for", "1h", "--until", "10:00", check=False)
        self.assertEqual(both.returncode, 2)
        self.assertEqual(environment(env)["state"], "awake")


class ScaleUnderLoad(IntegrationTest):
    def write_scale(self, replicas):
        with open(self.env.config_path) as f:
            text = f.read()
        head = text.split("    scale:")[0]
        with open(self.env.config_path, "w") as f:
            f.write(head + f'    scale: [{{cron: "0 0 1 1 *", replicas: {replicas}}}]\n')

    def nginx_servers(self):
        sites = self.env.nginx.prefix + f"/sites/cutover-{self.env.app}.conf"
        with open(sites) as f:
            return f.read().count("server 127.0.0.1:")

    def test_scale_one_to_three_to_one_under_load_fails_no_request(self):
        env = self.env
        add_environment(env, AWAKE, scale='    scale: [{cron: "0 0 1 1 *", replicas: 1}]\n')
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(len(running_containers(env)), 1)
        load = env.loadgen(seconds=120, connections=8)
        try:
            time.sleep(1)
            self.write_scale(3)
            env.cli("config", "reload")
            wait_for(lambda: len(running_containers(env)) == 3 and self.nginx_servers() == 3, 60,
                     "three replicas routed")
            self.assertEqual(len(env.status()["live"]["ports"]), 3)
            time.sleep(2)
            self.write_scale(1)
            env.cli("config", "reload")
            wait_for(lambda: self.nginx_servers() == 1 and len(env.containers()) == 1, 60,
                     "back to one replica")
            time.sleep(1)
        finally:
            report = load.stop()
        self.assertEqual(report["failed"], 0, report)
        self.assertGreater(report["requests"], 200, report)
        self.assertEqual(len(env.status()["live"]["ports"]), 1)


if __name__ == "__main__":
    unittest.main()
