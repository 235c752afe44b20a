"""An example under examples/ as an integration test runs it: its cutover.yml
with the daemon, nginx and ports sections swapped for the test's own, its
apps deployed from a local git repository holding a copy of examples/, and
its listen address moved to a free port."""
import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.request

from harness import (BASE_IMAGE, CUTOVER, SOURCE, AppRepo, Daemon, LoadGen, Nginx, UnixHTTPConnection, config_head,
                     ensure_base_image, free_port, remove_app, remove_containers, run, wait_for)

EXAMPLE_BASE_IMAGE = "cutover-example-base:latest"
EXAMPLE_LISTEN = "127.0.0.1:8080"


def section_names(config_text, section):
    """The names under a top-level section of a cutover.yml, in order (its two-space keys)."""
    names, inside = [], False
    for line in config_text.splitlines():
        if line.rstrip() == f"{section}:":
            inside = True
        elif line and not line.startswith((" ", "#")):
            inside = False
        elif inside and re.match(r"^  [a-z][a-z0-9-]*:", line):
            names.append(line.split(":")[0].strip())
    return names


class ExampleEnv:
    def __init__(self, name, overrides=()):
        ensure_base_image()
        # The examples build FROM this; the test base is the same testapp.
        run(["docker", "tag", BASE_IMAGE, EXAMPLE_BASE_IMAGE])
        self.name = name
        images = os.path.join(SOURCE, "examples", name, "images")
        for image in sorted(os.listdir(images)) if os.path.isdir(images) else []:
            run(["docker", "build", "-q", "-t", f"cutover-example-{image}:latest", os.path.join(images, image)])
        self.root = tempfile.mkdtemp(prefix=f"cutover-example-{name}-")
        self.listen_port = free_port()
        self.address = "127.0.0.1"  # where nginx listens (harness.LoadGen reads it)
        self.nginx = Nginx(os.path.join(self.root, "nginx"))
        self.repo = AppRepo(os.path.join(self.root, "repo"))
        shutil.copytree(os.path.join(SOURCE, "examples"), os.path.join(self.repo.path, "examples"))
        self.repo.git("add", "-A")
        self.repo.git("commit", "-q", "-m", "the examples as they are in the working tree")
        self.templates = os.path.join(SOURCE, "templates")
        self.socket = os.path.join(self.root, "cutover.sock")
        self.hook_port = free_port()
        with open(os.path.join(SOURCE, "examples", name, "cutover.yml")) as f:
            example = f.read()
        self.apps = section_names(example, "apps")
        self.accessories = section_names(example, "accessories")
        self.config_path = os.path.join(self.root, "cutover.yml")
        with open(self.config_path, "w") as f:
            text = self._test_config(example)
            # What a test changes in the example, e.g. a shorter verify window.
            for old, new in overrides:
                if old not in text:
                    raise AssertionError(f"{old!r} is not in examples/{name}/cutover.yml")
                text = text.replace(old, new)
            f.write(text)
        self.daemon = Daemon(self)

    def _test_config(self, example):
        # Everything from the first of defaults/apps/accessories/environments
        # on is the example's own; what comes before is where it runs.
        start = min(i for i in (example.find(f"\n{section}:") for section in
                                ("defaults", "apps", "accessories", "environments")) if i >= 0)
        body = example[start:]
        body = body.replace("repo: ../..", f"repo: {self.repo.path}")
        body = body.replace(EXAMPLE_LISTEN, f"127.0.0.1:{self.listen_port}")
        return config_head(self) + body.lstrip("\n")

    def commit_change(self, path, old, new):
        """Edits a file of the example in the repository and commits it."""
        full = os.path.join(self.repo.path, "examples", self.name, path)
        with open(full) as f:
            text = f.read()
        if old not in text:
            raise AssertionError(f"{old!r} is not in {full}")
        with open(full, "w") as f:
            f.write(text.replace(old, new))
        self.repo.git("commit", "-q", "-am", f"{path}: {new}")

    def cli(self, *args, check=True, timeout=300):
        return run([CUTOVER, "--socket", self.socket, *args], check=check, timeout=timeout)

    def cli_json(self, *args):
        return json.loads(self.cli("--json", *args).stdout)

    def get(self, host, path="/", timeout=5):
        """(status, body) of a GET through nginx; an HTTP error status is an answer too."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.listen_port}{path}", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as r:
                return r.status, r.read().decode().strip()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode().strip()

    def containers(self, app, state="running"):
        out = run(["docker", "ps", "-a", "--format", "{{.Names}} {{.State}}", "--filter",
                   f"label=cutover.app={app}"]).stdout
        return sorted(line.split()[0] for line in out.splitlines() if line.endswith(" " + state))

    def redeploy_under_load(self, test, app, host, path, dockerfile, old, new, after_switch=None):
        """Commits old → new in the app's Dockerfile and deploys it under load
        through nginx; asserts the deployment succeeded and no request failed.
        after_switch() runs once the new version answers, before the drain ends."""
        self.commit_change(dockerfile, old, new)
        load = self.loadgen(path, host)
        deployment = self.cli_json("deploy", app, "--detach")["deployment"]["id"]
        version = new.split('"')[1] if '"' in new else new
        wait_for(lambda: self.get(host, path)[1] == version, 120, f"{app} to answer {version}")
        if after_switch:
            after_switch()
        wait_for(lambda: self.deployment(deployment)["state"] not in ("queued", "running"), 180,
                 f"deployment {deployment} to end")
        report = load.stop()
        test.assertEqual(self.deployment(deployment)["state"], "succeeded", self.deployment(deployment))
        test.assertEqual(report["failed"], 0, report)
        test.assertGreater(report["requests"], 20, report)
        return report

    def deployment(self, deployment_id):
        conn = UnixHTTPConnection(self.socket)
        conn.request("GET", f"/v1/deployments/{deployment_id}")
        answer = json.loads(conn.getresponse().read())
        conn.close()
        return answer["deployment"]

    def loadgen(self, path="/", host="localhost", seconds=120, connections=4):
        return LoadGen(self, seconds, connections, path=path, host=host)

    def cleanup(self):
        self.daemon.stop()
        self.nginx.stop()
        for app in self.apps:
            remove_app(app)
        for accessory in self.accessories:
            remove_containers(f"cutover.accessory={accessory}")
        if os.environ.get("CUTOVER_KEEP_TEST_DIRS") != "1":
            shutil.rmtree(self.root, ignore_errors=True)
