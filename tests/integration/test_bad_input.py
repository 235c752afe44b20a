"""Bad input gets a clear error that names the place and touches nothing live:
invalid config, an unreachable daemon, an unreachable Docker."""
import os
import socket
import subprocess
import tempfile
import textwrap
import unittest

from harness import CUTOVER, CUTOVERD, run

VALID_HEAD = """\
daemon:
  state_dir: /tmp/cutover-bad-input-state
apps:
  web:
    repo: /srv/web.git
"""


class BadConfig(unittest.TestCase):
    def check(self, text):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as f:
            f.write(textwrap.dedent(text))
        self.addCleanup(os.unlink, f.name)
        proc = run([CUTOVER, "config", "check", f.name], check=False)
        return f.name, proc

    def assert_rejected(self, text, where, *words):
        path, proc = self.check(text)
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn(f"{path}:{where}", proc.stderr)
        for word in words:
            self.assertIn(word, proc.stderr)
        return path

    def test_valid_config_passes(self):
        path, proc = self.check(VALID_HEAD)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("valid", proc.stdout)

    def test_unknown_key(self):
        self.assert_rejected(VALID_HEAD + "    colour: blue\n", "6:5", "colour")

    def test_wrong_type(self):
        self.assert_rejected(VALID_HEAD + "    replicas: [1, 2]\n", "6:15", "replicas")

    def test_bad_duration(self):
        self.assert_rejected(VALID_HEAD + "    drain_timeout: 30 seconds\n", "6:20", "drain_timeout")

    def test_bad_app_name(self):
        self.assert_rejected("apps:\n  Web_1:\n    repo: /srv/web.git\n", "2:3", "Web_1")

    def test_a_port_claimed_twice_names_both_claimants(self):
        self.assert_rejected(VALID_HEAD + "accessories:\n  redis: {image: local/redis, port: 20500}\n", "7:37",
                             "port 20500/tcp is claimed twice", "app containers (ports, 20000-20999/tcp",
                             "accessory redis (accessories.redis.port")

    def test_an_accessory_port_bound_on_the_host_names_the_holder(self):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as held:
            held.bind(("127.0.0.1", 0))
            port = held.getsockname()[1]
            path, proc = self.check(VALID_HEAD + f"accessories:\n  media: {{image: local/media, ports: [\"{port}/udp\"]}}\n")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn(f"accessories.media.ports[0]: port {port}/udp of accessory media is held by a process already "
                      f"bound to 127.0.0.1:{port}/udp", proc.stderr)

    def test_nginx_main_config_without_cutover_include(self):
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as conf:
            conf.write("events {}\nhttp {\n    include /elsewhere/*.conf;\n}\n")
        self.addCleanup(os.unlink, conf.name)
        path, proc = self.check(VALID_HEAD + f"nginx:\n  main_config: {conf.name}\n  sites_dir: /srv/sites\n")
        self.assertEqual(proc.returncode, 2, proc.stdout + proc.stderr)
        self.assertIn("include /srv/sites/cutover-*.conf;", proc.stderr)

    def test_daemon_refuses_invalid_config(self):
        path = self.assert_rejected(VALID_HEAD + "    colour: blue\n", "6:5")
        proc = run([CUTOVERD, "--config", path], check=False, timeout=30)
        self.assertEqual(proc.returncode, 2)
        self.assertIn(f"{path}:6:5", proc.stderr)


class Unreachable(unittest.TestCase):
    def test_daemon_unreachable_exit_3(self):
        socket_path = "/tmp/cutover-no-such-daemon.sock"
        proc = run([CUTOVER, "--socket", socket_path, "status"], check=False)
        self.assertEqual(proc.returncode, 3)
        self.assertIn(socket_path, proc.stderr)
        self.assertIn("is cutoverd running", proc.stderr)

    def test_socket_from_environment(self):
        env = dict(os.environ, CUTOVER_SOCKET="/tmp/cutover-env-socket.sock")
        proc = run([CUTOVER, "version"], check=False, env=env)
        self.assertEqual(proc.returncode, 3)
        self.assertIn("/tmp/cutover-env-socket.sock", proc.stderr)

    def test_usage_error_exit_2(self):
        self.assertEqual(run([CUTOVER, "deploy"], check=False).returncode, 2)
        self.assertEqual(run([CUTOVER, "no-such-command"], check=False).returncode, 2)

    def test_docker_unreachable_names_the_socket(self):
        with tempfile.TemporaryDirectory() as root:
            config = os.path.join(root, "cutover.yml")
            with open(config, "w") as f:
                f.write(f"daemon:\n  state_dir: {root}/state\n  socket: {root}/c.sock\n"
                        f"  docker: unix://{root}/no-docker.sock\n")
            proc = subprocess.run([CUTOVERD, "--config", config], capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 1)
            self.assertIn(f"unix://{root}/no-docker.sock", proc.stderr)
            self.assertFalse(os.path.exists(f"{root}/c.sock"), "nothing should be served without Docker")


if __name__ == "__main__":
    unittest.main()
