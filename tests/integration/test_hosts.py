"""Remote hosts over SSH (SPEC section 7, guarantee 12), against a test host
with real sshd, dockerd and nginx in namespaces of its own (testhost.py):
`cutover host check` connects only to a host whose key daemon.known_hosts
lists, reaches the host's Docker Engine through the SSH connection (its
socket does not exist on this machine) and runs nginx there; an unknown
key, a changed key, a key the host refuses, a closed port and a missing
Engine socket each get their own clear refusal, and `cutover host trust`
records a key only when the fingerprint given is the one offered."""
import os
import random
import re
import tempfile
import unittest

from harness import Env
from testhost import HOST_DIR, TestHost, user_key


def read(path):
    with open(path) as f:
        return f.read()


class Hosts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.root = tempfile.mkdtemp(prefix="cutover-hosts-")
        cls.host = TestHost(cls.root, f"h{random.randrange(16**4):04x}", random.randrange(1, 250))
        cls.addClassCleanup(cls.host.close)
        cls.key = cls._user_key("deploy")
        cls.host.authorize(cls.key + ".pub")
        cls.stranger_key = cls._user_key("stranger")  # never authorized
        cls.known_hosts = os.path.join(cls.root, "known_hosts")
        open(cls.known_hosts, "w").close()
        cls.env = Env("hosts")
        cls.addClassCleanup(cls.env.cleanup)
        cls._write_config()
        cls.env.daemon.start()

    @classmethod
    def _user_key(cls, name):
        return user_key(cls.root, name)

    @classmethod
    def _write_config(cls):
        h = cls.host
        nginx = (f"{{binary: /usr/sbin/nginx, main_config: {h.nginx_main}, sites_dir: {h.nginx_sites}, "
                 f"pid_file: {h.nginx_pid}}}")
        docker = f"unix://{h.docker_socket}"
        with open(cls.env.config_path) as f:
            text = f.read()
        text = text.replace("daemon:\n", f"daemon:\n  known_hosts: {cls.known_hosts}\n  ssh_key: {cls.key}\n", 1)
        text += f"""\
hosts:
  web-1: {{ssh: root@{h.address}, docker: "{docker}", nginx: {nginx}, state_dir: {HOST_DIR}/state}}
  stranger: {{ssh: root@{h.address}, key: {cls.stranger_key}, docker: "{docker}", nginx: {nginx}}}
  closed: {{ssh: root@{h.address}:2222}}
  no-docker: {{ssh: root@{h.address}, docker: "unix://{HOST_DIR}/docker/none.sock", nginx: {nginx}}}
  jumped: {{ssh: root@{h.address}, proxy_jump: root@{h.address}, docker: "{docker}", nginx: {nginx}}}
  read-only: {{ssh: root@{h.address}, docker: "{docker}", nginx: {nginx}, state_dir: /proc/cutover}}
"""
        with open(cls.env.config_path, "w") as f:
            f.write(text)

    def setUp(self):
        with open(self.known_hosts, "w") as f:
            f.write("")

    def trust(self):
        with open(self.known_hosts, "w") as f:
            f.write(self.host.host_key_line())

    def check(self, name):
        return self.env.cli("host", "check", name, check=False)

    def test_an_unknown_key_is_refused_and_recorded_only_with_its_own_fingerprint(self):
        offered = self.host.fingerprint()  # as ssh-keygen -l prints it on the host
        refused = self.check("web-1")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn(f"host web-1 (root@{self.host.address}): refused its host key {offered}", refused.stdout)
        self.assertIn(self.known_hosts, refused.stdout)
        self.assertIn("cutover host trust web-1", refused.stdout)

        unasked = self.env.cli("host", "trust", "web-1", check=False)  # no terminal to ask on
        self.assertEqual(unasked.returncode, 2, unasked.stdout + unasked.stderr)
        self.assertIn(f"--fingerprint {offered}", unasked.stderr)

        other = "SHA256:" + "A" * 43
        wrong = self.env.cli("host", "trust", "web-1", "--fingerprint", other, check=False)
        self.assertEqual(wrong.returncode, 1, wrong.stdout + wrong.stderr)
        self.assertIn("nothing was recorded", wrong.stderr)
        self.assertEqual(read(self.known_hosts), "")

        trusted = self.env.cli("host", "trust", "web-1", "--fingerprint", offered)
        self.assertIn(f"key {offered} recorded in {self.known_hosts}", trusted.stdout)
        self.assertEqual(read(self.known_hosts), self.host.host_key_line())

        checked = self.check("web-1")
        self.assertEqual(checked.returncode, 0, checked.stdout + checked.stderr)
        self.assertIn("ok: cutover can deploy here", checked.stdout)
        again = self.env.cli("host", "trust", "web-1", "--fingerprint", offered)
        self.assertIn("was already in", again.stdout)
        self.assertEqual(read(self.known_hosts), self.host.host_key_line())

    def test_the_engine_and_nginx_answer_through_ssh(self):
        self.trust()
        report = self.env.cli_json("host", "check", "web-1")["host"]
        self.assertEqual(report["problems"], [])
        self.assertEqual(report["fingerprint"], self.host.fingerprint())
        version = self.host.docker("version", "--format", "{{.Server.Version}}").stdout.strip()
        self.assertEqual(report["docker_version"], version)
        banner = self.host.inside(["nginx", "-v"]).stderr
        self.assertEqual(report["nginx_version"], re.search(r"nginx/([0-9.]+)", banner).group(1))
        # The socket exists only in the host's mount namespace: the answer
        # came through the SSH connection, not from a socket here.
        self.assertFalse(os.path.exists(self.host.docker_socket))
        hosts = {h["name"]: h for h in self.env.cli_json("host", "ls")["hosts"]}
        self.assertTrue(hosts["web-1"]["connected"])
        self.assertTrue(hosts["local"]["connected"])
        self.assertFalse(hosts["closed"]["connected"])
        # The check wrote its probe file through SFTP into the host's own
        # state_dir, read it back and removed it: the directory exists there.
        self.assertTrue(os.path.isdir(self.host.file(f"{HOST_DIR}/state")))
        self.assertEqual(os.listdir(self.host.file(f"{HOST_DIR}/state")), [])
        self.assertFalse(os.path.exists(f"{HOST_DIR}/state"))  # nothing written on this machine

    def test_a_changed_key_is_refused_naming_the_line(self):
        impostor = self._user_key(f"impostor-{random.randrange(16**6):06x}")
        key_type, key = read(impostor + ".pub").split()[:2]
        with open(self.known_hosts, "w") as f:
            f.write(f"# the old host\n{self.host.address} {key_type} {key}\n")
        refused = self.check("web-1")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn("CHANGED", refused.stdout)
        self.assertIn(f"{self.known_hosts}:2", refused.stdout)
        self.assertIn(self.host.fingerprint(), refused.stdout)
        kept = self.env.cli("host", "trust", "web-1", "--fingerprint", self.host.fingerprint(), check=False)
        self.assertEqual(kept.returncode, 1, kept.stdout + kept.stderr)
        self.assertIn("already lists a different", kept.stderr)

    def test_a_user_key_the_host_refuses(self):
        self.trust()
        refused = self.check("stranger")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn(f"the host refused the key {self.stranger_key} for user root", refused.stdout)
        self.assertIn("authorized_keys", refused.stdout)

    def test_an_unreachable_host(self):
        refused = self.check("closed")
        self.assertEqual(refused.returncode, 1, refused.stdout + refused.stderr)
        self.assertIn(f"cannot connect to {self.host.address} port 2222: Connection refused", refused.stdout)
        self.assertIn("may pass by itself", refused.stdout)

    def test_through_a_bastion(self):
        """proxy_jump: the host's session runs inside a channel the bastion
        opened. The test host is its own bastion, so the host's sshd sees
        the second login come from its own address, not from this machine's."""
        self.trust()
        result = self.check("jumped")
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        self.assertIn("via     root@", result.stdout)
        log = self.host.log("sshd")
        self.assertIn(f"Accepted publickey for root from {self.host.gateway}", log)
        self.assertIn(f"Accepted publickey for root from {self.host.address}", log)

    def test_a_state_dir_it_cannot_write(self):
        self.trust()
        result = self.env.cli("host", "check", "read-only", check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("host read-only: cutover cannot write in /proc/cutover", result.stdout)
        self.assertIn("set hosts.read-only.state_dir", result.stdout)

    def test_an_engine_socket_that_is_not_there(self):
        self.trust()
        report = self.env.cli("host", "check", "no-docker", check=False)
        self.assertEqual(report.returncode, 1, report.stdout + report.stderr)
        self.assertIn(f"the Docker Engine does not answer on {HOST_DIR}/docker/none.sock", report.stdout)
        self.assertIn("nginx   ", report.stdout)  # the rest of the check still ran


if __name__ == "__main__":
    unittest.main()
