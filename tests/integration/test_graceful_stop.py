"""cutoverd under systemd's rules without systemd: the notify protocol
(READY, WATCHDOG, STATUS, RELOADING, STOPPING) read from a socket standing in
for NOTIFY_SOCKET, and SIGTERM in the middle of a deployment: a step before
the switch is abandoned, a switch under way finishes with its drain, and a
restart converges (SPEC guarantee 4)."""
import os
import signal
import socket
import threading
import time

from harness import IntegrationTest, SlowRequests, wait_for


class NotifySocket:
    """A unix datagram socket collecting what sd_notify sends."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []  # (time, {key: value})
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while self.running:
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                continue
            fields = dict(line.split("=", 1) for line in data.decode().splitlines() if "=" in line)
            with self.lock:
                self.messages.append((time.time(), fields))

    def with_key(self, key, value=None):
        with self.lock:
            return [(t, m) for t, m in self.messages if key in m and (value is None or m[key] == value)]

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class NotifyProtocol(IntegrationTest):
    def test_ready_watchdog_status_reload_stop(self):
        env = self.env
        env.repo.commit_version("v1")
        notify = NotifySocket(os.path.join(env.root, "notify.sock"))
        self.addCleanup(notify.close)
        # WATCHDOG_USEC as systemd sets it for WatchdogSec=1s: a ping at least every 500ms.
        env.daemon.start(extra_env={"NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"})
        wait_for(lambda: notify.with_key("READY", "1"), 30, "READY=1")
        ready_at, ready = notify.with_key("READY", "1")[0]
        self.assertIn("1 app", ready.get("STATUS", ""))
        time.sleep(2.2)
        pings = [t for t, _ in notify.with_key("WATCHDOG", "1") if t > ready_at]
        self.assertGreaterEqual(len(pings), 3, "a ping at least every half WatchdogSec")
        self.assertLess(max(b - a for a, b in zip([ready_at] + pings, pings)), 0.9)

        env.deploy()
        wait_for(lambda: any("idle" in m.get("STATUS", "") for _, m in notify.with_key("STATUS")), 10,
                 "STATUS to say idle after the deployment")

        env.daemon.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: notify.with_key("RELOADING", "1"), 10, "RELOADING=1")
        reloading_at = notify.with_key("RELOADING", "1")[0][0]
        wait_for(lambda: [t for t, _ in notify.with_key("READY", "1") if t >= reloading_at], 10,
                 "READY=1 after the reload")

        env.daemon.proc.send_signal(signal.SIGTERM)
        self.assertEqual(env.daemon.proc.wait(timeout=30), 0)
        self.assertTrue(notify.with_key("STOPPING", "1"))

    def test_without_notify_socket_nothing_breaks(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start(extra_env={"NOTIFY_SOCKET": "", "WATCHDOG_USEC": ""})
        env.deploy()
        env.daemon.proc.send_signal(signal.SIGTERM)
        self.assertEqual(env.daemon.proc.wait(timeout=30), 0)
        self.assertIn("stopped", env.daemon.log())


class SigtermDuringDeployment(IntegrationTest):
    env_options = {"drain_timeout": "30s"}

    def test_build_is_abandoned_and_the_queued_one_runs_after_restart(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        slow = env.repo.commit_version("v2", extra_dockerfile="RUN sleep 60")
        newest = env.repo.commit_version("v3")
        building = env.cli_json("deploy", env.app, "--ref", slow, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(building, "build", "begin"), 60, "the build")
        waiting = env.cli_json("deploy", env.app, "--ref", newest, "--detach")["deployment"]["id"]
        time.sleep(1)  # into the RUN sleep

        stopped_at = time.time()
        env.daemon.proc.send_signal(signal.SIGTERM)
        self.assertEqual(env.daemon.proc.wait(timeout=30), 0)
        self.assertLess(time.time() - stopped_at, 15, "a build is abandoned, not waited for")
        self.assertEqual(env.served_version(), "v1")  # nginx untouched while cutoverd is down

        env.daemon.start()
        abandoned = env.deployment(building)
        self.assertEqual(abandoned["state"], "failed")
        self.assertIn("stopping", abandoned["error"])
        self.assertEqual(env.containers().get(f"{env.app}-1-0"), "running")
        # The queued deployment was kept for this start, not dropped.
        wait_for(lambda: env.deployment(waiting)["state"] not in ("queued", "running"), 120,
                 "the queued deployment to run after the restart")
        self.assertEqual(env.deployment(waiting)["state"], "succeeded", env.deployment(waiting)["error"])
        self.assertEqual(env.served_version(), "v3")
        live = [r for r in env.releases() if r["state"] == "live"]
        self.assertEqual(len(live), 1)

    def test_switch_under_way_finishes_its_drain(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        env.repo.commit_version("v2")
        slow = SlowRequests(env, 4, 6000)  # in flight on v1 across the switch
        time.sleep(0.5)
        deployment = env.cli_json("deploy", env.app, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(deployment, "drain", "begin"), 120, "the drain")

        env.daemon.proc.send_signal(signal.SIGTERM)
        self.assertEqual(env.daemon.proc.wait(timeout=60), 0)
        results = slow.wait()
        self.assertEqual([r[0] for r in results], [200] * 4, results)
        self.assertEqual(env.served_version(), "v2")

        env.daemon.start()
        self.assertEqual(env.deployment(deployment)["state"], "succeeded")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@2")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "exited", f"{env.app}-2-0": "running"})


if __name__ == "__main__":
    import unittest
    unittest.main()
