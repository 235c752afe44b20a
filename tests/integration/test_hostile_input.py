"""Hostile input on every edge (SPEC section 6, guarantees 5, 9 and 10): bad
JSON types on the control API, bytes that are not UTF-8 in env values and
files, file descriptors run out, one source taking every connection, a
second daemon on the same state, replayed and out-of-order push webhooks,
credentials in repo URLs, a reload that changes start-up-only keys. Each
gets a clear error, touches nothing live, and leaves the daemon up.

One daemon and one deployed app serve the whole class: each test leaves
them as it found them."""
import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import uuid
from pathlib import Path

from harness import CUTOVER, CUTOVERD, SOURCE, Env, UnixHTTPConnection, free_port, run, wait_for

SECRET = "hostile-input-secret-71c3"
FIXTURES = os.environ.get("CUTOVER_SHARED_DIR", os.path.join(SOURCE, "..", "shared"))
TOKEN = "tok3nAsUserName9f2"


def fixture(name):
    with open(os.path.join(FIXTURES, "fixtures", "webhooks", name)) as f:
        return json.load(f)


def nofile_limits(pid):
    with open(f"/proc/{pid}/limits") as f:
        line = next(line for line in f if line.startswith("Max open files"))
    return line.split()[3:5]


def listener_get(port, path="/healthz", source="127.0.0.1", timeout=5):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    try:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    finally:
        sock.close()
    return int(answer.split()[1]), answer.partition(b"\r\n\r\n")[2]


def open_idle(port, count, source):
    """count connections from source that send nothing."""
    sockets = []
    for _ in range(count):
        s = socket.socket()
        s.bind((source, 0))
        s.settimeout(5)
        s.connect(("127.0.0.1", port))
        sockets.append(s)
    return sockets


def close_all(sockets):
    for s in sockets:
        s.close()


def open_fds(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


class HostileInput(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        os.environ["CUTOVER_TEST_HOSTILE_SECRET"] = SECRET
        cls.secret_file = tempfile.NamedTemporaryFile("w", suffix=".env", delete=False).name
        with open(cls.secret_file, "w") as f:
            f.write("GREETING=hello\r\n")  # CRLF: the value must arrive without \r
        dead_port = free_port()
        cls.token_app = "it-token-url"
        env = cls.env = Env("hostile", app_extra=(
            "    webhook: {provider: any, secret_env: CUTOVER_TEST_HOSTILE_SECRET}\n"
            f"    env_file: {cls.secret_file}\n"),
            extra_app=(f"  {cls.token_app}:\n    repo: https://{TOKEN}@127.0.0.1:{dead_port}/x.git\n"
                       "    port: 8080\n"))
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()

    @classmethod
    def tearDownClass(cls):
        cls.env.cleanup()
        os.unlink(cls.secret_file)

    def setUp(self):
        self.assertIsNone(self.env.daemon.proc.poll(), "cutoverd is not running")

    def tearDown(self):
        # Whatever a test threw at it, the daemon answers and the app serves.
        self.assertIsNone(self.env.daemon.proc.poll(), "cutoverd died:\n" + self.env.daemon.log()[-5000:])
        self.assertEqual(self.env.cli("version", check=False).returncode, 0)
        self.assertEqual(self.env.get("/")[0], 200)

    # --- control API ------------------------------------------------------------
    def raw_api(self, method, path, body):
        conn = UnixHTTPConnection(self.env.socket)
        conn.request(method, path, body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, json.loads(data)

    def test_wrong_json_types_are_400s_naming_the_field(self):
        app = self.env.app
        before = len(self.env.deployments())
        for body, expected in [(b'{"ref":1}', '"ref" must be a string, and a number was sent'),
                               (b'{"ref":["x"]}', '"ref" must be a string, and an array was sent'),
                               (b'{"trigger":null}', '"trigger" is not a field of this request'),
                               (b'{"trigger":"verify"}', '"trigger" is not a field of this request'),
                               (b'[1]', "the request body is an array, not a JSON object"),
                               (b'{"ref":', "the request body is not valid JSON"),
                               (b'{"ref":"caf\xe9"}', "the request body is not valid JSON")]:
            status, answer = self.raw_api("POST", f"/v1/apps/{app}/deploy", body)
            self.assertEqual(status, 400, (body, answer))
            self.assertIn(expected, answer["error"])
        status, answer = self.raw_api("POST", f"/v1/apps/{app}/rollback", b'{"to":{"id":1}}')
        self.assertEqual(status, 400, answer)
        self.assertTrue(answer["error"].startswith(f'rollback {app}: "to" must be a string, and an object was sent'),
                        answer)
        self.assertEqual(len(self.env.deployments()), before, "a refused request queued a deployment")

    def test_junk_on_every_endpoint_is_answered_below_500(self):
        app = self.env.app
        paths = ["/v1/version", "/v1/status", f"/v1/status?app={app}", f"/v1/apps/{app}/deploy",
                 f"/v1/apps/{app}/rollback", f"/v1/apps/{app}/releases", f"/v1/apps/{app}/deployments?limit=zz",
                 "/v1/deployments/abc", "/v1/deployments/-1/events?after=x", "/v1/config/reload",
                 "/v1/environments", "/v1/environments/nope", "/v1/environments/nope/wake",
                 "/v1/environments/nope/sleep", "/v1/accessories", "/v1/accessories/nope/restart",
                 "/v1/accessories/nope/logs?tail=-1", "/v1/%ff%00"]
        junk = [b"", b"null", b"\xff\xfe", b'{"ref": {"$gt": ""}}', b'{"for_ms": 1e999}', b"[" * 5000]
        for path in paths:
            for method in ("GET", "POST", "DELETE"):
                for body in junk:
                    if method == "POST" and path.endswith(("/deploy", "/rollback", "/reload")) and body in (b"",):
                        continue  # a valid request: it would deploy or reload for real
                    conn = UnixHTTPConnection(self.env.socket)
                    conn.request(method, path, body=body)
                    status = conn.getresponse().status
                    conn.close()
                    self.assertLess(status, 500, (method, path, body[:20]))

    def test_control_sessions_are_bounded_and_come_back(self):
        held = []
        try:
            for _ in range(70):
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(self.env.socket)
                held.append(s)
            refused = self.env.cli("version", check=False)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("too many control connections", refused.stdout + refused.stderr)
        finally:
            close_all(held)
        wait_for(lambda: self.env.cli("version", check=False).returncode == 0, 10, "the control socket to answer")

    # --- bytes that are not UTF-8 ---------------------------------------------------
    def test_env_file_value_not_utf8_fails_the_start_and_names_file_and_line(self):
        env = self.env
        serving = env.served_version()
        with open(self.secret_file, "wb") as f:
            f.write(b"GREETING=hello\nPASS=caf\xe9\n")
        try:
            env.repo.commit_version("v-env-bad")
            failed = env.deploy(check=False)
            self.assertEqual(failed.returncode, 1, failed.stdout + failed.stderr)
            self.assertIn(f"env_file {self.secret_file}:2: the line the value of PASS is not UTF-8",
                          failed.stdout + failed.stderr)
            self.assertNotIn("caf", failed.stdout + failed.stderr)
            self.assertEqual(env.served_version(), serving)
        finally:
            with open(self.secret_file, "w") as f:
                f.write("GREETING=hello\r\n")

    def test_crlf_env_file_values_reach_the_container_without_cr(self):
        live = self.env.status()["live"]
        name = f"{self.env.app}-{live['number']}-0"
        env_lines = run(["docker", "inspect", "--format", "{{json .Config.Env}}", name]).stdout
        self.assertIn('"GREETING=hello"', env_lines)

    def test_accessory_env_not_utf8_is_refused_by_config_check(self):
        with tempfile.NamedTemporaryFile("wb", suffix=".yml", delete=False) as f:
            f.write(b"accessories:\n  db: {image: local/db, env: {PASS: \"caf\xe9\"}}\n")
        self.addCleanup(os.unlink, f.name)
        proc = run([CUTOVER, "config", "check", f.name], check=False)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn(f"{f.name}:2:", proc.stderr)
        self.assertIn("accessories.db.env.PASS: byte 4 of the value is not UTF-8 (0xE9)", proc.stderr)

    # --- the network listener ---------------------------------------------------------
    def test_listener_survives_running_out_of_file_descriptors(self):
        pid = self.env.daemon.proc.pid
        soft, hard = nofile_limits(pid)
        self.addCleanup(run, ["prlimit", f"--pid={pid}", f"--nofile={soft}:{hard}"])
        low = open_fds(pid) + 40
        run(["prlimit", f"--pid={pid}", f"--nofile={low}:{hard}"])
        held = []
        try:
            for source in ("127.0.0.2", "127.0.0.3", "127.0.0.4"):
                held += open_idle(self.env.hook_port, 50, source)
            time.sleep(0.5)
            self.assertGreaterEqual(open_fds(pid), low - 1, "the flood did not exhaust the daemon's descriptors")
        finally:
            close_all(held)
        def healthy():
            try:
                return listener_get(self.env.hook_port)[0] == 200
            except OSError:
                return False
        wait_for(healthy, 10, "/healthz to answer after the descriptors came back")
        self.assertIn("accepting connections again", self.env.daemon.log())

    def test_one_source_cannot_take_every_connection(self):
        held = open_idle(self.env.hook_port, 300, "127.0.0.5")
        try:
            status, body = listener_get(self.env.hook_port, source="127.0.0.5")
            self.assertEqual(status, 503)
            self.assertIn(b"too many open connections from 127.0.0.5", body)
            self.assertEqual(listener_get(self.env.hook_port, source="127.0.0.6")[0], 200)
        finally:
            close_all(held)

    # --- one daemon per state_dir ---------------------------------------------------------
    def test_a_second_daemon_refuses_before_it_touches_anything(self):
        containers = self.env.containers()
        second = subprocess.run([CUTOVERD, "--config", self.env.config_path], capture_output=True, text=True,
                                timeout=30)
        self.assertEqual(second.returncode, 1, second.stderr)
        self.assertRegex(second.stderr, r"another cutoverd \(pid %d\) already runs with state_dir" %
                         self.env.daemon.proc.pid)
        self.assertNotIn("recover", second.stderr.lower())
        self.assertTrue(os.path.exists(self.env.socket), "the second daemon removed the first one's socket")
        self.assertEqual(self.env.containers(), containers)

    # --- webhooks: only the branch tip deploys ----------------------------------------------
    def push(self, sha, delivery=None, body=None):
        if body is None:
            payload = fixture("github-push.json")
            payload["ref"], payload["after"] = "refs/heads/main", sha
            body = json.dumps(payload).encode()
        headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
                   "Content-Type": "application/json",
                   "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()}
        conn = http.client.HTTPConnection("127.0.0.1", self.env.hook_port, timeout=30)
        conn.request("POST", f"/hooks/{self.env.app}", body=body, headers=headers)
        response = conn.getresponse()
        answer = json.loads(response.read())
        conn.close()
        return response.status, answer, body

    def wait_deployed(self, deployment):
        def done():
            state = self.env.deployment(deployment)["state"]
            return state if state not in ("queued", "running") else None
        return wait_for(done, 120, f"deployment {deployment}")

    def test_replayed_and_out_of_order_pushes_never_move_live_back(self):
        env = self.env
        old = env.repo.commit_version("v-old")
        new = env.repo.commit_version("v-new")
        status, answer, new_body = self.push(new)
        self.assertEqual(status, 202, answer)
        self.assertEqual(self.wait_deployed(answer["deployment"]), "succeeded")
        self.assertEqual(env.served_version(), "v-new")

        # The same signed body again under a new delivery id.
        status, answer, _ = self.push(new, body=new_body)
        self.assertEqual(status, 200, answer)
        self.assertIn("delivered before", answer["ignored"])
        # The older commit's push, delivered late.
        status, answer, _ = self.push(old)
        self.assertEqual(status, 200, answer)
        self.assertIn(f"{old[:12]} is not the tip of main", answer["ignored"])
        self.assertEqual(answer["tip"], new)
        time.sleep(1)
        self.assertEqual(env.served_version(), "v-new")
        self.assertEqual(env.status()["live"]["sha"], new)

    # --- secrets in URLs ----------------------------------------------------------------------
    def test_a_password_in_a_repo_url_is_refused_without_being_shown(self):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write("apps:\n  web:\n    repo: https://ci:SeCrEt42@git.example.com/web.git\n")
        self.addCleanup(os.unlink, f.name)
        proc = run([CUTOVER, "config", "check", f.name], check=False)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("auth.token_env", proc.stderr)
        self.assertNotIn("SeCrEt42", proc.stdout + proc.stderr)

    def test_a_token_used_as_user_name_appears_nowhere(self):
        env = self.env
        failed = env.cli("deploy", self.token_app, check=False)
        self.assertEqual(failed.returncode, 1)
        outputs = {"deploy": failed.stdout + failed.stderr,
                   "status --json": env.cli("--json", "status").stdout,
                   "logs": env.cli("logs", "--app", self.token_app, check=False).stdout,
                   "logs --json": env.cli("--json", "logs", "--app", self.token_app, check=False).stdout,
                   "daemon log": env.daemon.log()}
        self.assertIn("***@127.0.0.1", outputs["status --json"])
        for where, text in outputs.items():
            self.assertNotIn(TOKEN, text, where)

    # --- config reload ------------------------------------------------------------------------
    def test_reload_that_moves_state_dir_is_refused_and_routes_keep_serving(self):
        with open(self.env.config_path) as f:
            original = f.read()
        self.addCleanup(Path(self.env.config_path).write_text, original)
        with open(self.env.config_path, "w") as f:
            f.write(original.replace(f"state_dir: {self.env.root}/state", f"state_dir: {self.env.root}/elsewhere"))
        refused = self.env.cli("config", "reload", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("daemon.state_dir changed", refused.stdout + refused.stderr)
        self.assertIn("restart cutoverd", refused.stdout + refused.stderr)
        self.assertEqual(self.env.get("/")[0], 200)


if __name__ == "__main__":
    unittest.main()
