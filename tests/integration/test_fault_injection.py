"""Fault injection (SPEC guarantee 4, issue 14): cutoverd killed with -9 at
every event of a deployment that has roles, dockerd restarted in the middle
of a build and of a drain, nginx killed in the middle of a switch, and a
state_dir on a filesystem that is full. Each ends with one live release
routed by nginx and serving, no container or port of a release that is not
kept, and a next deployment that works."""
import os
import signal
import subprocess
import time
import unittest

from harness import IntegrationTest, WebSocket, restart_dockerd, run, wait_for

# A short job, so a worker stops at once when it is replaced or rolled back.
WORKER = '    roles:\n      worker: {env: {WORKER_JOB_MS: "100"}, replicas: 1}\n'


def release_number(app, container):
    """web-3-0 and web-3-worker-0 → 3 (the app's own name has dashes)."""
    return int(container[len(app) + 1:].split("-")[0])


def kill9_nginx_and_its_workers(master):
    """SIGKILL nginx's master and every worker it has, as an OOM killer or a crash would.

    The master is stopped first: in the middle of a reload it forks new workers, and one forked
    after the children were listed would keep the listen sockets and survive the kill."""
    os.kill(master, signal.SIGSTOP)
    wait_for(lambda: process_state(master) in ("T", "t", None), 10, f"nginx master {master} to stop")
    workers = run(["pgrep", "-P", str(master)], check=False).stdout.split()
    for pid in [master, *map(int, workers)]:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def process_state(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def start_nginx_when_its_ports_are_free(main_config):
    """What an init system does after a crash; killed workers may hold the ports a moment longer."""
    deadline = time.monotonic() + 15
    while True:
        proc = subprocess.run(["nginx", "-c", main_config], capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            return
        if "Address already in use" not in proc.stderr or time.monotonic() > deadline:
            raise AssertionError(f"nginx -c {main_config} exited {proc.returncode}:\n{proc.stderr}")
        time.sleep(0.2)


class Converges(IntegrationTest):
    """What every fault must end in; no tests of its own."""
    env_options = {"app_extra": WORKER, "drain_timeout": "5s"}

    def assert_converged(self, versions, context):
        """One live release serving its version; its containers run, standbys'
        are stopped, nothing else is left; ports only for kept releases."""
        env = self.env
        status = env.status()
        live = status["live"]
        self.assertIsNotNone(live, context)
        self.assertEqual(env.served_version(), versions[live["sha"]], context)
        live_number = int(live["id"].split("@")[1])
        standby = {int(r["id"].split("@")[1]) for r in status["standby"]}
        for name, state in env.containers().items():
            number = release_number(env.app, name)
            if number == live_number:
                self.assertEqual(state, "running", (context, name))
            else:
                self.assertIn(number, standby, (context, name, state))
                self.assertNotEqual(state, "running", (context, name))
        with_ports = {int(r["id"].split("@")[1]) for r in env.releases() if r["ports"]}
        self.assertLessEqual(with_ports, standby | {live_number}, context)
        return live["sha"]

    def serving(self, version):
        try:
            return self.env.served_version() == version
        except OSError:
            return False

    def wait_until_ended(self, deployment):
        wait_for(lambda: self.env.deployment(deployment)["state"] not in ("queued", "running"), 180,
                 f"deployment {deployment} to end")
        return self.env.deployment(deployment)

    def two_versions_v1_live(self):
        """Commits v1 and v2, starts cutoverd and makes v1 live: (v1, v2, versions)."""
        env = self.env
        v1 = env.repo.commit_version("v1")
        v2 = env.repo.commit_version("v2")
        env.daemon.start()
        env.deploy("--ref", v1)
        return v1, v2, {v1: "v1", v2: "v2"}

    def other(self, versions, live_sha):
        return next(sha for sha in versions if sha != live_sha)


class FaultInjection(Converges):

    def test_kill9_at_every_event_of_a_deployment_with_roles(self):
        env = self.env
        _, v2, versions = self.two_versions_v1_live()
        env.deploy("--ref", v2)  # both images exist now: the deployments below build nothing
        reference = len(env.events(env.deployments()[0]["id"]))
        self.assertGreater(reference, 10)
        live = v2
        for point in range(1, reference):
            target = self.other(versions, live)
            deployment = env.cli_json("deploy", env.app, "--ref", target, "--detach")["deployment"]["id"]
            wait_for(lambda: len(env.events(deployment)) >= point
                     or env.deployment(deployment)["state"] not in ("queued", "running"),
                     60, f"event {point} of deployment {deployment}")
            env.daemon.kill9()
            env.daemon.start()
            after = env.deployment(deployment)
            self.assertIn(after["state"], ("failed", "succeeded"), (point, after))
            live = self.assert_converged(versions, f"killed at event {point}")
        target = self.other(versions, live)
        env.deploy("--ref", target)
        self.assertEqual(env.served_version(), versions[target])

    def test_nginx_killed_in_the_middle_of_a_switch(self):
        env = self.env
        _, v2, versions = self.two_versions_v1_live()
        deployment = env.cli_json("deploy", env.app, "--ref", v2, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(deployment, "switch", "begin"), 120, "the switch")
        kill9_nginx_and_its_workers(env.nginx.pid())
        wait_for(lambda: env.deployment(deployment)["state"] not in ("queued", "running"), 120,
                 "the deployment to end without nginx")
        # What an init system does: nginx starts again from the files on disk.
        if os.path.exists(env.nginx.pid_file):
            os.remove(env.nginx.pid_file)
        start_nginx_when_its_ports_are_free(env.nginx.main_config)
        env.daemon.kill9()  # and cutoverd's recovery puts nginx's files right if needed
        env.daemon.start()
        live = self.assert_converged(versions, "nginx killed mid-switch")
        env.deploy("--ref", self.other(versions, live))
        self.assertEqual(env.served_version(), versions[self.other(versions, live)])

    def test_a_full_state_dir_fails_the_deployment_and_leaves_the_live_release(self):
        env = self.env
        state = os.path.join(env.root, "state")
        os.makedirs(state)
        run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", state])
        self.addCleanup(subprocess.run, ["umount", "-l", state], check=False)
        v1 = env.repo.commit_version("v1")
        versions = {v1: "v1"}
        env.daemon.start()
        env.deploy()
        v2 = env.repo.commit_version("v2")
        versions[v2] = "v2"
        filler = os.path.join(state, "filler")
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True, check=False)
        refused = env.deploy(check=False)
        self.assertNotEqual(refused.returncode, 0, refused.stdout)
        text = refused.stdout + refused.stderr
        self.assertRegex(text, r"(?i)no space left|disk is full|database or disk is full", text)
        self.assertEqual(env.cli("version", check=False).returncode, 0, "cutoverd is still up")
        self.assertEqual(env.served_version(), "v1")
        os.remove(filler)
        time.sleep(0.2)
        env.deploy()
        self.assertEqual(env.served_version(), "v2")
        self.assert_converged(versions, "after the disk had room again")


@unittest.skipUnless(os.environ.get("CUTOVER_TEST_RESTART_DOCKERD") == "1",
                     "restarts dockerd: only where tests/run started it (CUTOVER_TEST_RESTART_DOCKERD=1)")
class DockerdRestart(Converges):
    """dockerd restarted (SIGTERM, which stops every container, then started
    again, which starts the unless-stopped ones) under a deployment."""

    def test_dockerd_restarted_mid_build_fails_the_deployment_and_v1_serves_again(self):
        env = self.env
        v1 = env.repo.commit_version("v1")
        versions = {v1: "v1"}
        env.daemon.start()
        env.deploy()
        slow = env.repo.commit_version("v2", extra_dockerfile="RUN sleep 60")
        versions[slow] = "v2"
        deployment = env.cli_json("deploy", env.app, "--detach")["deployment"]["id"]
        wait_for(lambda: any("RUN sleep 60" in e.get("message", "") for e in env.events(deployment)), 120,
                 "the build's slow step")
        restart_dockerd()
        ended = self.wait_until_ended(deployment)
        self.assertEqual(ended["state"], "failed", ended)
        wait_for(lambda: self.serving("v1"), 60, "v1 to serve again once dockerd restarted it")
        self.assert_converged(versions, "dockerd restarted mid-build")
        v3 = env.repo.commit_version("v3")
        versions[v3] = "v3"
        env.deploy()
        self.assertEqual(env.served_version(), "v3")

    def test_dockerd_restarted_mid_drain_ends_with_one_live_release(self):
        env = self.env
        _, v2, versions = self.two_versions_v1_live()
        held = WebSocket(env.listen_port)  # keeps v1 draining
        deployment = env.cli_json("deploy", env.app, "--ref", v2, "--detach")["deployment"]["id"]
        wait_for(lambda: env.event_seen(deployment, "drain", "begin"), 120, "the drain")
        restart_dockerd()
        held.sock.close()
        ended = self.wait_until_ended(deployment)
        self.assertIn(ended["state"], ("failed", "succeeded"), ended)
        live = env.status()["live"]
        wait_for(lambda: self.serving(versions[live["sha"]]), 60, "the live release to serve again")
        live_sha = self.assert_converged(versions, "dockerd restarted mid-drain")
        target = self.other(versions, live_sha)
        env.deploy("--ref", target)
        self.assertEqual(env.served_version(), versions[target])

