"""Accessories (cutover.yml(5), ACCESSORIES) with a real dockerd, nginx and
cutoverd: the daemon creates each one on the shared network `cutover` before
the apps, apps get <NAME>_HOST/_PORT and reach it by name, `cutover accessory
restart|logs|ls` work, a changed entry is replaced on reload, an unchanged one
survives a kill -9 of the daemon untouched.

The accessory image is the test base image under a tag of this test's own
(cutover never pulls): its test app answers its APP_VERSION on PORT, which
is what the accessory's env sets.
"""
import json
import os
import urllib.request

from harness import BASE_IMAGE, CUTOVER, IntegrationTest, free_port, run, wait_for

NETWORK = "cutover"


def inspect(container):
    """docker inspect of one container, or None when it does not exist."""
    proc = run(["docker", "inspect", container], check=False)
    return json.loads(proc.stdout)[0] if proc.returncode == 0 else None


def http_get(port, path="/"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
        return r.read().decode().strip()


def answers(port, text):
    try:
        return http_get(port) == text
    except OSError:
        return False


class Accessories(IntegrationTest):
    def setUp(self):
        # Registered first, so it runs last: after the Env's cleanup removed
        # the app containers that use the network.
        self.network_existed = run(["docker", "network", "inspect", NETWORK], check=False).returncode == 0
        self.addCleanup(self.remove_network)
        super().setUp()
        env = self.env
        suffix = env.app.rsplit("-", 1)[1]
        self.name = f"kv-{suffix}"
        self.prefix = self.name.upper().replace("-", "_")
        self.container = f"cutover-acc-{self.name}"
        self.image = f"cutover-it-accessory-{suffix}:1"
        self.port = free_port()
        run(["docker", "tag", BASE_IMAGE, self.image])
        self.addCleanup(self.remove_accessory)
        self.write_accessory("acc-v1")

    def write_accessory(self, version):
        with open(self.env.config_path) as f:
            config = f.read().split("accessories:\n")[0]
        with open(self.env.config_path, "w") as f:
            f.write(config + f"""accessories:
  {self.name}:
    image: {self.image}
    port: {self.port}
    env: {{PORT: "{self.port}", APP_VERSION: {version}}}
""")

    def remove_accessory(self):
        self.env.daemon.stop()
        run(["docker", "rm", "-f", self.container], check=False)
        run(["docker", "rmi", self.image], check=False)

    def remove_network(self):
        if not self.network_existed:
            # Refused while other containers still use it: theirs to clean.
            run(["docker", "network", "rm", NETWORK], check=False)

    def accessory(self):
        entries = [a for a in self.env.cli_json("accessory", "ls")["accessories"] if a["name"] == self.name]
        self.assertEqual(len(entries), 1, entries)
        return entries[0]

    def app_container(self):
        running = [name for name, state in self.env.containers().items() if state == "running"]
        self.assertEqual(len(running), 1, running)
        return running[0]

    def test_accessory_lifecycle(self):
        env = self.env
        env.daemon.start()

        # Created at start, before any app: running, labelled, on `cutover` under its name, 127.0.0.1 only.
        info = inspect(self.container)
        self.assertIsNotNone(info, env.daemon.log())
        self.assertEqual(info["State"]["Status"], "running")
        labels = info["Config"]["Labels"]
        self.assertEqual(labels["cutover.accessory"], self.name)
        self.assertNotIn("cutover.app", labels)
        self.assertEqual(info["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped")
        self.assertTrue(info["HostConfig"]["Init"])
        self.assertEqual(list(info["NetworkSettings"]["Networks"]), [NETWORK])
        self.assertIn(self.name, info["NetworkSettings"]["Networks"][NETWORK]["Aliases"])
        self.assertEqual(info["HostConfig"]["PortBindings"],
                         {f"{self.port}/tcp": [{"HostIp": "127.0.0.1", "HostPort": str(self.port)}]})
        self.assertTrue(wait_for(lambda: answers(self.port, "acc-v1"), 20, "the accessory to answer"))
        first_id = info["Id"]

        # `accessory ls`, as JSON and as text.
        listed = self.accessory()
        self.assertEqual(listed["state"], "running")
        self.assertEqual(listed["image"], self.image)
        self.assertEqual(listed["container_id"], first_id)
        self.assertEqual(listed["ports"], [f"{self.port}/tcp"])
        self.assertTrue(listed["up_to_date"])
        text = env.cli("accessory", "ls").stdout
        self.assertRegex(text, rf"{self.name}\s+running\s+{self.image}\s+127\.0\.0\.1:{self.port}/tcp\s+"
                               rf"{self.container} \({first_id[:12]}\)")

        # Its output.
        logs = env.cli("accessory", "logs", self.name, "--tail", "5").stdout
        self.assertIn(f"testapp acc-v1 listening on :{self.port}", logs)
        self.assertEqual(env.cli_json("accessory", "logs", self.name)["accessory"], self.name)

        # restart: the same container, started again.
        started = inspect(self.container)["State"]["StartedAt"]
        out = env.cli("accessory", "restart", self.name).stdout
        self.assertIn(f"accessory {self.name} restarted: running", out)
        after = inspect(self.container)
        self.assertEqual(after["Id"], first_id)
        self.assertNotEqual(after["State"]["StartedAt"], started)
        self.assertTrue(wait_for(lambda: answers(self.port, "acc-v1"), 20, "the accessory back after restart"))
        self.assertIn("got SIGTERM", env.cli("accessory", "logs", self.name, "--tail", "0").stdout)

        # An unchanged config survives kill -9 + restart: same container, never stopped,
        # and its port is not reported as taken by the start-up check.
        env.daemon.kill9()
        log_before = len(env.daemon.log())
        env.daemon.start()
        survived = inspect(self.container)
        self.assertEqual(survived["Id"], first_id)
        self.assertEqual(survived["State"]["StartedAt"], after["State"]["StartedAt"])
        restart_log = env.daemon.log()[log_before:]
        self.assertIn("starting with", restart_log)
        for unwanted in ("is held by", "replacing", "created and started", f"accessory {self.name}: started"):
            self.assertNotIn(unwanted, restart_log)

        # A changed entry + config reload: replaced, answering with the new env.
        self.write_accessory("acc-v2")
        env.cli("config", "reload")
        replaced = inspect(self.container)
        self.assertNotEqual(replaced["Id"], first_id)
        self.assertEqual(replaced["State"]["Status"], "running")
        self.assertIn("APP_VERSION=acc-v2", replaced["Config"]["Env"])
        self.assertTrue(wait_for(lambda: answers(self.port, "acc-v2"), 20, "the replaced accessory to answer"))
        self.assertTrue(self.accessory()["up_to_date"])

        # Taken out of the file: left running (it may hold data), listed as such, logged.
        with open(env.config_path) as f:
            config = f.read().split("accessories:\n")[0]
        with open(env.config_path, "w") as f:
            f.write(config)
        env.cli("config", "reload")
        kept = inspect(self.container)
        self.assertEqual(kept["Id"], replaced["Id"])
        self.assertEqual(kept["State"]["Status"], "running")
        listed = self.accessory()
        self.assertFalse(listed["configured"])
        self.assertEqual(listed["state"], "running")
        self.assertIn(f"docker rm -f {self.container}", env.cli("accessory", "ls").stdout)
        self.assertIn(f"accessory {self.name}: no longer in", env.daemon.log())
        self.assertEqual(env.cli("accessory", "restart", self.name, check=False).returncode, 1)

    def fetch_from_app(self):
        """What the app container gets from http://<accessory name>:<port>/."""
        # No -T: busybox-static's wget crashes with it; run() bounds the wait.
        return run(["docker", "exec", self.app_container(), "wget", "-qO-", f"http://{self.name}:{self.port}/"],
                   timeout=60).stdout.strip()

    def test_apps_are_told_its_address_and_reach_it_by_name(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()

        app = inspect(self.app_container())
        self.assertIn(f"{self.prefix}_HOST={self.name}", app["Config"]["Env"])
        self.assertIn(f"{self.prefix}_PORT={self.port}", app["Config"]["Env"])
        self.assertIn(NETWORK, app["NetworkSettings"]["Networks"])
        self.assertEqual(self.fetch_from_app(), "acc-v1")

        # Replaced on reload: the name now leads to the new container.
        self.write_accessory("acc-v2")
        env.cli("config", "reload")
        self.assertTrue(wait_for(lambda: answers(self.port, "acc-v2"), 20, "the replaced accessory to answer"))
        self.assertEqual(self.fetch_from_app(), "acc-v2")

    def test_errors_name_the_accessory_and_the_next_step(self):
        env = self.env
        # An image that is not on this host: never pulled, the daemon still starts, ls says why.
        with open(env.config_path) as f:
            config = f.read()
        with open(env.config_path, "w") as f:
            f.write(config.replace(f"image: {self.image}", f"image: {self.image}-missing"))
        env.daemon.start()
        self.assertIsNone(inspect(self.container))
        listed = self.accessory()
        self.assertEqual(listed["state"], "missing")
        self.assertIn("is not on this host, and cutover never pulls images", listed["last_error"])
        self.assertIn(f"docker build -t {self.image}-missing", listed["last_error"])
        text = env.cli("accessory", "ls").stdout
        self.assertIn(f"accessory {self.name}: image {self.image}-missing is not on this host", text)
        failed = env.cli("accessory", "logs", self.name, check=False)
        self.assertEqual(failed.returncode, 1)
        self.assertIn("has no container yet", failed.stderr)

        # Unknown accessory: 404 on the API, exit 1 with the config named.
        status, body = env.api("POST", "/v1/accessories/nope/restart")
        self.assertEqual(status, 404)
        self.assertIn("no accessory named nope in", body["error"])
        failed = env.cli("accessory", "restart", "nope", check=False)
        self.assertEqual(failed.returncode, 1)
        self.assertIn("no accessory named nope", failed.stderr)
        status, body = env.api("GET", f"/v1/accessories/{self.name}/logs?tail=abc")
        self.assertEqual(status, 400)

        # Usage errors exit 2, an unreachable daemon 3.
        self.assertEqual(env.cli("accessory", "restart", "Not_A_Name", check=False).returncode, 2)
        self.assertEqual(env.cli("accessory", "logs", self.name, "--tail", "-1", check=False).returncode, 2)
        self.assertEqual(env.cli("accessory", check=False).returncode, 2)
        unreachable = run([CUTOVER, "--socket", os.path.join(env.root, "none.sock"), "accessory", "ls"], check=False)
        self.assertEqual(unreachable.returncode, 3)

        # With an image that is there, the reload creates it.
        with open(env.config_path, "w") as f:
            f.write(config)
        env.cli("config", "reload")
        self.assertEqual(self.accessory()["state"], "running")
        self.assertEqual(self.accessory()["last_error"], "")
