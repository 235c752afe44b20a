"""Integration harness: a private nginx on 127.0.0.1, a real cutoverd with its
own state, local git repositories of the test app, and the load generator.

Everything a test starts is torn down in cleanup(), and every container it
creates carries its own unique app name, so tests never touch anything else.
"""
import base64
import json
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request
import http.client

BUILD = os.environ.get("CUTOVER_BUILD_DIR", os.path.abspath("build"))
SOURCE = os.environ.get("CUTOVER_SOURCE_DIR", os.path.abspath("."))
CUTOVERD = os.path.join(BUILD, "agent", "cutoverd")
CUTOVER = os.path.join(BUILD, "agent", "cutover")
TESTAPP = os.path.join(BUILD, "tests", "fixtures", "testapp")
LOADGEN = os.path.join(BUILD, "bench", "loadgen")
BASE_IMAGE = "cutover-test-base:latest"

NGINX_MAIN = """\
worker_processes 2;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
    include {prefix}/sites/cutover-*.conf;
}}
"""


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=60)
        self.unix_path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(self.unix_path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(argv, check=True, env=None, timeout=300, cwd=None):
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=timeout, cwd=cwd)
    if check and proc.returncode != 0:
        raise AssertionError(f"{argv} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def config_head(env, log_format="text"):
    """The daemon, nginx and ports sections of a test's cutover.yml: its own
    state, socket, listener, private nginx and a port range of its own."""
    base = random.randrange(21000, 29000, 100)
    return f"""\
daemon:
  state_dir: {env.root}/state
  socket: {env.socket}
  listen: 127.0.0.1:{env.hook_port}
  log_level: debug
  log_format: {log_format}
nginx:
  main_config: {env.nginx.main_config}
  sites_dir: {env.nginx.prefix}/sites
  pid_file: {env.nginx.pid_file}
  templates_dir: {env.templates}
ports: {base}-{base + 99}
"""


def remove_containers(label):
    """Removes every container carrying the label (key=value), running or not."""
    ids = run(["docker", "ps", "-aq", "--filter", f"label={label}"], check=False).stdout.split()
    if ids:
        run(["docker", "rm", "-f", *ids], check=False)


def remove_app(app):
    """The containers and images a test's app left."""
    remove_containers(f"cutover.app={app}")
    images = run(["docker", "images", "-q", f"cutover/{app}"], check=False).stdout.split()
    if images:
        run(["docker", "rmi", "-f", *set(images)], check=False)


def ensure_base_image():
    if run(["docker", "image", "inspect", BASE_IMAGE], check=False).returncode == 0:
        return
    run(["bash", os.path.join(SOURCE, "tests", "fixtures", "make-base-image.sh"), TESTAPP, BASE_IMAGE])


class AppRepo:
    """A local git repository holding the test app's Dockerfile."""

    def __init__(self, path):
        self.path = path
        os.makedirs(path)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.email", "test@cutover.invalid")
        self.git("config", "user.name", "cutover tests")

    def git(self, *args):
        return run(["git", "-C", self.path, *args]).stdout.strip()

    def commit_version(self, version, env=None, extra_dockerfile="", base=BASE_IMAGE):
        """Commits a Dockerfile whose app answers `version`; returns the SHA."""
        lines = [f"FROM {base}", f"ENV APP_VERSION={version}"]
        for key, value in (env or {}).items():
            lines.append(f"ENV {key}={value}")
        if extra_dockerfile:
            lines.append(extra_dockerfile)
        lines.append("COPY version.txt /version.txt")
        with open(os.path.join(self.path, "Dockerfile"), "w") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(self.path, "version.txt"), "w") as f:
            f.write(version + "\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", f"version {version}")
        return self.git("rev-parse", "HEAD")


class Nginx:
    def __init__(self, prefix):
        self.prefix = prefix
        for d in ("sites", "tmp"):
            os.makedirs(os.path.join(prefix, d), exist_ok=True)
        self.main_config = os.path.join(prefix, "nginx.conf")
        with open(self.main_config, "w") as f:
            f.write(NGINX_MAIN.format(prefix=prefix))
        run(["nginx", "-c", self.main_config])
        self.pid_file = os.path.join(prefix, "nginx.pid")

    def pid(self):
        with open(self.pid_file) as f:
            return int(f.read().strip())

    def stop(self):
        try:
            os.kill(self.pid(), signal.SIGQUIT)
        except (OSError, ValueError):
            pass


class Daemon:
    def __init__(self, env):
        self.env = env
        self.proc = None
        self.log_path = os.path.join(env.root, "cutoverd.log")

    def start(self, wait=True, extra_env=None):
        environment = dict(os.environ, **(extra_env or {}))
        with open(self.log_path, "a") as log:
            self.proc = subprocess.Popen([CUTOVERD, "--config", self.env.config_path], stdout=log, stderr=log,
                                         env=environment)
        if wait:
            deadline = time.time() + 60
            while time.time() < deadline:
                if self.proc.poll() is not None:
                    raise AssertionError(f"cutoverd exited {self.proc.returncode}:\n{self.log()}")
                if self.env.cli("version", check=False).returncode == 0:
                    return
                time.sleep(0.1)
            raise AssertionError("cutoverd did not answer within 60s:\n" + self.log())

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log(self):
        with open(self.log_path) as f:
            return f.read()


class Env:
    """One test's world: nginx, cutoverd, a config with one app, a repo."""

    def __init__(self, test_name, replicas=1, drain_timeout="20s", health=None, retain=5, extra_app="",
                 log_format="text", app_extra=""):
        ensure_base_image()
        self.root = tempfile.mkdtemp(prefix=f"cutover-{test_name}-")
        self.app = f"it-{test_name}-{random.randrange(16**6):06x}"
        self.listen_port = free_port()
        self.address = "127.0.0.1"  # where the route listens; a test host's address for remote apps
        self.nginx = Nginx(os.path.join(self.root, "nginx"))
        self.repo = AppRepo(os.path.join(self.root, "repo"))
        self.templates = os.path.join(self.root, "templates")
        shutil.copytree(os.path.join(SOURCE, "templates"), self.templates)
        self.socket = os.path.join(self.root, "cutover.sock")
        self.hook_port = free_port()
        health = health or "{path: /up, interval: 200ms, timeout: 1s, deploy_timeout: 20s}"
        self.config_path = os.path.join(self.root, "cutover.yml")
        with open(self.config_path, "w") as f:
            f.write(config_head(self, log_format) + f"""\
apps:
  {self.app}:
    repo: {self.repo.path}
    branch: main
    port: 8080
    replicas: {replicas}
    routes: [{{host: app.test, path: /, listen: "127.0.0.1:{self.listen_port}"}}]
    health: {health}
    drain_timeout: {drain_timeout}
    stop_timeout: 5s
    retain: {retain}
{app_extra}{extra_app}""")
        self.daemon = Daemon(self)

    # --- talking to cutoverd -------------------------------------------------
    def cli(self, *args, check=True, timeout=300):
        return run([CUTOVER, "--socket", self.socket, *args], check=check, timeout=timeout)

    def cli_json(self, *args):
        return json.loads(self.cli("--json", *args).stdout)

    def status(self):
        return self.cli_json("status", self.app)["apps"][0]

    def releases(self):
        return self.cli_json("releases", self.app)["releases"]

    def api(self, method, path, body=None):
        """A raw control-API call over the unix socket: (status, parsed JSON)."""
        conn = UnixHTTPConnection(self.socket)
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data)

    def deployments(self):
        return self.api("GET", f"/v1/apps/{self.app}/deployments?limit=100")[1]["deployments"]

    def events(self, deployment_id):
        out = self.cli("--json", "logs", str(deployment_id)).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]

    def deployment(self, deployment_id):
        return self.api("GET", f"/v1/deployments/{deployment_id}")[1]["deployment"]

    def event_seen(self, deployment_id, step, kind):
        return any(e.get("step") == step and e.get("kind") == kind for e in self.events(deployment_id))

    def deploy(self, *extra, check=True):
        return self.cli("deploy", self.app, *extra, check=check)

    # --- traffic --------------------------------------------------------------
    def get(self, path="/", timeout=5):
        req = urllib.request.Request(f"http://{self.address}:{self.listen_port}{path}", headers={"Host": "app.test"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode().strip()

    def served_version(self):
        return self.get("/")[1]

    def loadgen(self, seconds=120, connections=8):
        return LoadGen(self, seconds, connections)

    # --- docker ---------------------------------------------------------------
    def containers(self, all_states=True):
        out = run(["docker", "ps", "--format", "{{.Names}} {{.State}}", *(["-a"] if all_states else []),
                   "--filter", f"label=cutover.app={self.app}"]).stdout
        return dict(line.split() for line in out.splitlines() if line.strip())

    def cleanup(self):
        self.daemon.stop()
        self.nginx.stop()
        remove_app(self.app)
        if os.environ.get("CUTOVER_KEEP_TEST_DIRS") != "1":
            shutil.rmtree(self.root, ignore_errors=True)


class LoadGen:
    """The project's load generator against nginx, stopped by a stop file."""

    def __init__(self, env, seconds, connections, path="/", host="app.test"):
        self.out = os.path.join(env.root, f"load-{time.monotonic_ns()}.json")
        self.stop_file = self.out + ".stop"
        self.proc = subprocess.Popen(
            [LOADGEN, "--url", f"http://{env.address}:{env.listen_port}{path}", "--host", host,
             "--connections", str(connections), "--duration", f"{seconds}s", "--stop-file", self.stop_file,
             "--out", self.out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(0.5)

    def stop(self):
        open(self.stop_file, "w").close()
        _, err = self.proc.communicate(timeout=30)
        with open(self.out) as f:
            report = json.load(f)
        report["stderr"] = err.decode()
        return report


class SlowRequests:
    """Requests through nginx that each take `ms`, started now, in threads."""

    def __init__(self, env, count, ms):
        self.results = []
        self.threads = [threading.Thread(target=self._one, args=(env, ms)) for _ in range(count)]
        for t in self.threads:
            t.start()

    def _one(self, env, ms):
        try:
            self.results.append(env.get(f"/slow?ms={ms}", timeout=ms / 1000 + 30))
        except Exception as e:  # recorded: a failure is the outcome under test
            self.results.append(("error", repr(e)))

    def wait(self):
        for t in self.threads:
            t.join()
        return self.results


class WebSocket:
    """A minimal RFC 6455 client: enough to hold a connection through nginx."""

    def __init__(self, port, host="app.test", path="/ws", address="127.0.0.1"):
        self.sock = socket.create_connection((address, port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise AssertionError("WebSocket handshake: connection closed")
            head += chunk
        if not head.startswith(b"HTTP/1.1 101"):
            raise AssertionError(f"WebSocket handshake refused: {head[:200]!r}")

    def echo(self, text):
        payload = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81, 0x80 | len(payload)]) + mask
        self.sock.sendall(header + bytes(b ^ mask[i % 4] for i, b in enumerate(payload)))
        first, length = self._recv_exact(2)
        length &= 0x7F
        if length == 126:
            length = struct.unpack("!H", self._recv_exact(2))[0]
        return self._recv_exact(length).decode()

    def _recv_exact(self, n):
        data = b""
        while len(data) < n:
            chunk = self.sock.recv(n - len(data))
            if not chunk:
                raise ConnectionError("WebSocket closed by the server")
            data += chunk
        return data

    def close(self):
        try:
            mask = os.urandom(4)
            self.sock.sendall(bytes([0x88, 0x80]) + mask)
        finally:
            self.sock.close()


def wait_for(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


DOCKERD_PID_FILE = "/var/run/docker.pid"


def restart_dockerd():
    """Stops dockerd the way an init system does (SIGTERM: it stops its
    containers) and starts it again detached, logging where tests/run's did.
    Only for a dockerd the test run started: CUTOVER_TEST_RESTART_DOCKERD=1."""
    with open(DOCKERD_PID_FILE) as f:
        pid = int(f.read().strip())
    os.kill(pid, signal.SIGTERM)

    def gone():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return not os.path.exists(DOCKERD_PID_FILE)  # removed as it exits; a zombie still answers kill 0
    wait_for(gone, 60, "dockerd to stop")
    time.sleep(0.5)
    log = os.environ.get("CUTOVER_DOCKERD_LOG", "/tmp/cutover-dockerd.log")
    # setsid -f: dockerd outlives this test process, as tests/run's did.
    run(["setsid", "-f", "sh", "-c", 'exec dockerd --storage-driver overlay2 >>"$0" 2>&1 </dev/null', log])
    wait_for(lambda: run(["docker", "info"], check=False).returncode == 0, 60, "dockerd to answer again")


class IntegrationTest(unittest.TestCase):
    """Gives each test an Env and always cleans it up."""

    env_options = {}

    def setUp(self):
        name = self.id().split(".")[-1].replace("test_", "").replace("_", "-")[:20]
        self.env = Env(name, **self.env_options)
        self.addCleanup(self.env.cleanup)
        self.addCleanup(self._dump_log_on_failure)

    def _dump_log_on_failure(self):
        outcome = getattr(self, "_outcome", None)
        errors = getattr(getattr(outcome, "result", None), "errors", []) + \
            getattr(getattr(outcome, "result", None), "failures", [])
        if any(test is self for test, _ in errors):
            print("\n--- cutoverd log ---\n" + self.env.daemon.log()[-20000:])
