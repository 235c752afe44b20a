"""An app on a remote host (SPEC section 7, guarantees 1-3 and 12 there):
its image is built here and streamed to the host's own dockerd through SSH,
its containers run there, the host's nginx serves it. v1 -> v2 under load
from this machine to the host's address fails no request and holds a
WebSocket through the drain; rollback, a failed health check, a failed build
and a config nginx -t refuses leave the live release serving, as locally;
a kill -9 of cutoverd before and after the switch converges on the host,
and so does a restart of the host's sshd mid-deployment; an environment on
the host sleeps, a request to the host's nginx wakes it (through a port the
SSH connection listens back on), and idle_sleep puts it back.

One test host (sshd, dockerd, nginx in namespaces of their own, testhost.py)
and one daemon serve every test here, in order: they take seconds to start."""
import http.client
import json
import os
import random
import tempfile
import time
import unittest

from harness import Env, SlowRequests, WebSocket, run, wait_for
from testhost import HOST_DIR, TestHost, run_app_on

HOST = "web-1"


class RemoteDeploy(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="cutover-remote-")
        cls.host = TestHost(cls.root, f"r{random.randrange(16**4):04x}", random.randrange(1, 250))
        cls.addClassCleanup(cls.host.close)
        cls.env = Env("remote", drain_timeout="30s", app_extra=f"    hosts: [{HOST}]\n")
        cls.addClassCleanup(cls.env.cleanup)
        cls.addClassCleanup(cls._remove_local_images)
        run_app_on(cls.env, cls.host, HOST, cls.root)
        cls.env.daemon.start()

    @classmethod
    def _remove_local_images(cls):
        images = run(["docker", "images", "-q", f"cutover/{cls.env.app}"], check=False).stdout.split()
        if images:
            run(["docker", "rmi", "-f", *set(images)], check=False)

    def tearDown(self):
        if any(error for _, error in self._outcome.result.errors + self._outcome.result.failures
               if _ is self):
            print("\n--- cutoverd log ---\n" + self.env.daemon.log()[-20000:])

    # --- what the host runs ---------------------------------------------

    def host_containers(self):
        out = self.host.docker("ps", "-a", "--format", "{{.Names}} {{.State}}",
                               "--filter", f"label=cutover.app={self.env.app}").stdout
        return dict(line.split() for line in out.splitlines() if line.strip())

    def live_id(self):
        return self.env.status()["live"]["id"]

    def ensure_live(self, version):
        """The tests share one app: each starts from a known live version."""
        if self.env.served_version() != version:
            self.env.repo.commit_version(version)
            self.env.deploy()
        self.assertEqual(self.env.served_version(), version)

    # --- tests, in name order -------------------------------------------

    def test_1_v1_to_v2_under_load_on_the_host(self):
        env, host = self.env, self.host
        env.repo.commit_version("v1")
        first = env.deploy()
        self.assertIn(f"to host {HOST}", first.stdout)  # the ship step
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(self.host_containers(), {f"{env.app}-1-0": "running"})
        self.assertEqual(env.containers(), {}, "nothing of the app runs on this machine")
        # nginx's files and the sections are the host's own, written through SFTP.
        self.assertTrue(os.path.exists(host.file(f"{host.nginx_sites}/cutover-{env.app}.conf")))
        self.assertTrue(os.path.isdir(host.file(f"{HOST_DIR}/state/nginx/{env.app}")))
        self.assertFalse(os.path.exists(f"{HOST_DIR}/state"), "nothing is written on this machine")

        env.repo.commit_version("v2", env={"START_DELAY_MS": "1000"})
        ws = WebSocket(env.listen_port, address=host.address)
        self.assertEqual(ws.echo("before"), "before")
        load = env.loadgen(seconds=120, connections=8)
        deployment = env.cli_json("deploy", env.app, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(deployment, "start", "end"), 120, "the new container to start")
        slow = SlowRequests(env, 4, 1500)
        wait_for(lambda: env.event_seen(deployment, "switch", "end"), 60, "the switch")
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(ws.echo("after switch"), "after switch")
        time.sleep(1)
        self.assertFalse(env.event_seen(deployment, "drain", "end"),
                         "the drain ended while a WebSocket to the old release was open")
        ws.close()
        wait_for(lambda: env.deployment(deployment)["state"] != "running", 60, "the deployment to end")
        report = load.stop()
        self.assertEqual(env.deployment(deployment)["state"], "succeeded", env.events(deployment))
        self.assertEqual(report["failed"], 0, report)
        self.assertGreater(report["requests"], 100, report)
        self.assertEqual(set(report["bodies"]), {"v1", "v2"}, report)
        self.assertEqual(slow.wait(), [(200, "v1 slow 1500")] * 4)
        self.assertEqual(self.host_containers(), {f"{env.app}-1-0": "exited", f"{env.app}-2-0": "running"})
        # status and releases say where it runs; status probes the replicas' health on the host.
        status = env.status()
        self.assertEqual(status["hosts"], [HOST])
        self.assertEqual([r["healthy"] for r in status["live"]["health"]], [True])
        self.assertEqual({r["host"] for r in env.releases()}, {HOST})
        self.assertRegex(env.cli("status").stdout, rf"{env.app}\s+{HOST}\s+{env.app}@2")

    def test_2_rollback_goes_back_on_the_host(self):
        env = self.env
        self.ensure_live("v2")
        load = env.loadgen(seconds=60, connections=4)
        env.cli("rollback", env.app)
        report = load.stop()
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(self.live_id(), f"{env.app}@1")

    def test_3_a_sick_release_leaves_the_live_one_serving(self):
        env = self.env
        self.ensure_live("v1")
        live = self.live_id()
        env.repo.commit_version("v3-sick", env={"FAIL_HEALTH": "1"})
        load = env.loadgen(seconds=60, connections=4)
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"of host {HOST}", result.stderr)  # the health check names where it probed
        self.assertIn("health is failing on purpose", result.stdout + result.stderr)
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(self.live_id(), live)
        self.assertEqual(env.served_version(), "v1")

    def test_4_a_failed_build_ships_nothing(self):
        env = self.env
        self.ensure_live("v1")
        env.repo.commit_version("v4-broken", extra_dockerfile="RUN echo about to fail && exit 3")
        result = env.deploy(check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("returned a non-zero code: 3", result.stderr)
        self.assertNotIn(f"to host {HOST}", result.stdout)
        self.assertEqual(env.served_version(), "v1")

    def test_5_a_config_the_hosts_nginx_refuses_is_put_back(self):
        env, host = self.env, self.host
        self.ensure_live("v1")
        site = host.file(f"{host.nginx_sites}/cutover-{env.app}.conf")
        with open(site) as f:
            before = f.read()
        master = host.nginx_master()
        template = os.path.join(env.templates, "nginx", "app.conf.mustache")
        with open(template) as f:
            good = f.read()
        self.addCleanup(lambda: open(template, "w").write(good))
        with open(template, "a") as f:
            f.write("\nnot_a_directive on;\n")
        env.repo.commit_version("v5")
        load = env.loadgen(seconds=60, connections=4)
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn(f"host {HOST}: nginx -t", result.stderr)
        self.assertIn("not_a_directive", result.stderr)
        with open(site) as f:
            self.assertEqual(f.read(), before, "the host's nginx file was not restored")
        self.assertEqual(host.nginx_master(), master)
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(env.served_version(), "v1")

    def deploy_detached(self):
        return self.env.cli_json("deploy", self.env.app, "--detach")["deployment"]["id"]

    def running_on_host(self):
        return {name for name, state in self.host_containers().items() if state == "running"}

    def test_6_kill9_before_and_after_the_switch_converges_on_the_host(self):
        env = self.env
        self.ensure_live("v1")
        live = self.live_id()
        # Killed while the new release starts on the host: it goes, the live one stays.
        env.repo.commit_version("v6", env={"START_DELAY_MS": "3000"})
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "start", "end"), 120, "v6's container to start")
        env.daemon.kill9()
        env.daemon.start()
        interrupted = env.releases()[0]  # newest first
        self.assertEqual(interrupted["state"], "failed")
        new = interrupted["id"].replace("@", "-")
        self.assertEqual(env.deployment(deployment)["state"], "failed")
        self.assertIn("interrupted by a daemon restart", env.deployment(deployment)["error"])
        self.assertEqual(self.live_id(), live)
        self.assertEqual(env.served_version(), "v1")
        self.assertNotIn(f"{new}-0", self.host_containers(), "the interrupted release was left on the host")
        self.assertEqual(self.running_on_host(), {live.replace("@", "-") + "-0"})

        # Killed after the switch, while a WebSocket holds the drain: recovery goes forward.
        ws = WebSocket(env.listen_port, address=self.host.address)
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "switch", "end"), 120, "the switch")
        env.daemon.kill9()
        ws.close()
        env.daemon.start()
        self.assertEqual(env.deployment(deployment)["state"], "succeeded")
        self.assertEqual(env.served_version(), "v6")
        now_live = self.live_id()
        self.assertEqual(self.running_on_host(), {now_live.replace("@", "-") + "-0"})

    def test_7_sshd_restarted_mid_deployment_then_the_next_one_works(self):
        env, host = self.env, self.host
        self.ensure_live("v1")
        env.repo.commit_version("v7", env={"START_DELAY_MS": "2000"})
        deployment = self.deploy_detached()
        wait_for(lambda: env.event_seen(deployment, "start", "end"), 120, "v7's container to start")
        host.stop_sshd()  # every session ends, as in a restart of the service
        host.start_sshd()
        wait_for(lambda: env.deployment(deployment)["state"] not in ("queued", "running"), 120,
                 "the deployment to end")
        state = env.deployment(deployment)["state"]
        self.assertIn(state, ("succeeded", "failed"))
        self.assertEqual(env.served_version(), "v7" if state == "succeeded" else "v1")
        self.assertEqual(len(self.running_on_host()), 1, self.host_containers())
        # The connection is opened again for the next deployment.
        env.repo.commit_version("v8")
        env.deploy()
        self.assertEqual(env.served_version(), "v8")
        self.assertEqual(len(self.running_on_host()), 1, self.host_containers())

    def test_8_an_environment_on_the_host_sleeps_and_a_request_wakes_it(self):
        env, host = self.env, self.host
        self.ensure_live("v8")
        with open(env.config_path, "a") as f:
            f.write(f"""\
environments:
  dev:
    apps: [{env.app}]
    timezone: UTC
    wake: "0 0 1 1 *"
    sleep: "0 0 2 1 *"
    on_request: wake
    idle_sleep: 3s
""")
        env.cli("config", "reload")
        show = lambda: env.cli_json("env", "show", "dev")["environment"]  # noqa: E731
        wait_for(lambda: show()["state"] == "asleep", 60, "the environment asleep")
        self.assertEqual(self.running_on_host(), set(), self.host_containers())
        # The host's nginx answers for the sleeping app and sends the request
        # to cutoverd through a port listened back over SSH.
        conn = http.client.HTTPConnection(host.address, env.listen_port, timeout=10)
        conn.request("GET", "/", headers={"Host": "app.test", "Accept": "application/json"})
        answer = conn.getresponse()
        body = answer.read().decode()
        self.assertEqual(answer.status, 503, body)
        self.assertEqual(json.loads(body)["state"], "waking")
        wait_for(lambda: env.served_version() == "v8" if self._serves() else False, 60, "the app to wake")
        self.assertEqual(len(self.running_on_host()), 1, self.host_containers())
        # Quiet for idle_sleep: asleep again, on the host too.
        wait_for(lambda: show()["state"] == "asleep", 60, "idle_sleep")
        self.assertEqual(self.running_on_host(), set(), self.host_containers())

    def test_9_an_unreachable_host_fails_the_deployment_before_anything_switches(self):
        env, host = self.env, self.host
        env.cli("env", "wake", "dev", check=False)  # the environment of test 8, if it ran, must not sleep through this
        wait_for(self._serves, 60, "the app awake")
        served = env.served_version()
        live = self.live_id()
        host.stop_sshd()
        try:
            env.repo.commit_version("v9")
            result = env.deploy(check=False)
            self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
            self.assertIn(f"host {HOST}", result.stderr)
            self.assertIn("refused", result.stderr)  # the cause: nothing listens on the host's port 22
            self.assertEqual(env.served_version(), served)  # the host's nginx still serves the live release
            self.assertEqual(self.live_id(), live)
            self.assertEqual(env.releases()[0]["state"], "failed")
            # status says the host cannot be reached; it never probes this machine's ports instead.
            health = env.status()["live"]["health"]
            self.assertTrue(health and all(not r["healthy"] and f"host {HOST}" in r["detail"] for r in health),
                            health)
        finally:
            host.start_sshd()
        checked = env.cli("host", "check", HOST, check=False)  # and forgets the back-off
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        env.deploy()
        self.assertEqual(env.served_version(), "v9")

    def _serves(self):
        try:
            return self.env.get("/")[0] == 200
        except OSError:
            return False


if __name__ == "__main__":
    unittest.main()
