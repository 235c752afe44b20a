"""Git over ssh against a real OpenSSH server on 127.0.0.1: an app whose repo
is an ssh URL deploys with the key in auth.ssh_key, but only when
auth.known_hosts lists the server's host key. A different key for the host,
or none at all, stops the deployment before anything is built or changes."""
import os
import re
import socket
import subprocess
import unittest

from harness import IntegrationTest, free_port, run, wait_for

SSHD = "/usr/sbin/sshd"


class SshServer:
    """sshd -D on a free 127.0.0.1 port with its own host key, letting the
    current user in with one key only (its authorized_keys is private)."""

    def __init__(self, root, port=None):
        self.dir = os.path.join(root, "sshd")
        os.makedirs(self.dir)
        self.user = run(["id", "-un"]).stdout.strip()
        self.host_key = os.path.join(self.dir, "host_ed25519")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "cutover-test-host", "-f", self.host_key])
        self.port = port or free_port()
        self.log_path = os.path.join(self.dir, "sshd.log")
        self.authorized_keys = os.path.join(self.dir, "authorized_keys")
        open(self.authorized_keys, "w").close()
        config = os.path.join(self.dir, "sshd_config")
        with open(config, "w") as f:
            f.write(f"""\
ListenAddress 127.0.0.1:{self.port}
HostKey {self.host_key}
PidFile {self.dir}/sshd.pid
AuthorizedKeysFile {self.authorized_keys}
AllowUsers {self.user}
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
LogLevel VERBOSE
""")
        # sshd's privilege-separation directory; Debian's service would make it.
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([SSHD, "-D", "-e", "-f", config], stdout=self.log, stderr=self.log)
        wait_for(lambda: self.proc.poll() is not None or "Server listening" in self.read_log(), 20,
                 "sshd to listen")
        if self.proc.poll() is not None:
            raise AssertionError(f"sshd exited {self.proc.returncode}:\n{self.read_log()}")

    def user_key(self, name, passphrase=""):
        """A new key pair that the server accepts; returns the private key's path."""
        path = os.path.join(self.dir, name)
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", name, "-f", path])
        with open(path + ".pub") as pub, open(self.authorized_keys, "a") as keys:
            keys.write(pub.read())
        return path

    def host_key_entry(self, public_key_path=None):
        """A known_hosts line naming this server with the given (default: its own) key."""
        with open(public_key_path or self.host_key + ".pub") as f:
            key_type, blob = f.read().split()[:2]
        name = "127.0.0.1" if self.port == 22 else f"[127.0.0.1]:{self.port}"
        return f"{name} {key_type} {blob}\n"

    def fingerprint(self):
        return run(["ssh-keygen", "-l", "-f", self.host_key + ".pub"]).stdout.split()[1]

    def accepted_logins(self):
        return self.read_log().count("Accepted publickey for")

    def read_log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def loopback_port_free(port):
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


class SshTest(IntegrationTest):
    """An Env with an sshd beside it; the app is pointed at it by use_ssh()."""
    sshd_port = None

    def setUp(self):
        super().setUp()
        self.sshd = SshServer(self.env.root, self.sshd_port)
        self.addCleanup(self.sshd.stop)
        self.known_hosts = os.path.join(self.env.root, "known_hosts")

    def use_ssh(self, repo_url, key, extra_auth=""):
        """Points the app at repo_url with key, checking host keys against self.known_hosts."""
        with open(self.env.config_path) as f:
            config = f.read()
        plain = f"    repo: {self.env.repo.path}\n"
        self.assertIn(plain, config)
        config = config.replace(plain, f'    repo: "{repo_url}"\n'
                                       f"    auth: {{ssh_key: {key}, known_hosts: {self.known_hosts}{extra_auth}}}\n")
        with open(self.env.config_path, "w") as f:
            f.write(config)

    def ssh_url(self):
        return f"ssh://{self.sshd.user}@127.0.0.1:{self.sshd.port}{self.env.repo.path}"

    def write_known_hosts(self, text):
        with open(self.known_hosts, "w") as f:
            f.write(text)

    def image_exists(self, sha):
        return run(["docker", "image", "inspect", f"cutover/{self.env.app}:{sha[:12]}"],
                   check=False).returncode == 0

    def deploy_v1(self):
        env = self.env
        self.use_ssh(self.ssh_url(), self.sshd.user_key("deploy_key"))
        self.write_known_hosts("# pinned for the test\n" + self.sshd.host_key_entry())
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(env.served_version(), "v1")

    def assert_refused_before_build(self, sha, result):
        """The deployment failed at resolve: v2 never built, v1 serves as before."""
        env = self.env
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertFalse(self.image_exists(sha), "nothing may be built from an unverified server")
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})
        self.assertEqual(env.deployments()[0]["state"], "failed")


class GitOverSsh(SshTest):
    def test_deploys_over_ssh_with_a_known_host_key(self):
        env = self.env
        self.deploy_v1()
        self.assertEqual(self.sshd.accepted_logins(), 1, self.sshd.read_log())
        env.repo.commit_version("v2")
        env.deploy()
        self.assertEqual(env.served_version(), "v2")
        self.assertEqual(self.sshd.accepted_logins(), 2)
        self.assertRegex(self.sshd.read_log(), rf"Accepted publickey for {self.sshd.user} from 127\.0\.0\.1")

    def test_wrong_host_key_is_refused(self):
        env = self.env
        self.deploy_v1()
        site = os.path.join(env.nginx.prefix, "sites", f"cutover-{env.app}.conf")
        with open(site) as f:
            site_before = f.read()
        # Another server's key pinned for this host and port: what a
        # man in the middle looks like from the client's side.
        impostor = os.path.join(env.root, "impostor_host_key")
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", impostor])
        self.write_known_hosts(self.sshd.host_key_entry(impostor + ".pub"))
        logins_before = self.sshd.accepted_logins()
        v2 = env.repo.commit_version("v2")

        result = env.deploy(check=False)
        self.assert_refused_before_build(v2, result)
        error = result.stderr
        self.assertIn(f"ssh host key of 127.0.0.1 port {self.sshd.port} (ssh-ed25519 {self.sshd.fingerprint()})",
                      error)
        self.assertIn("does not match", error)
        self.assertIn(f"{self.known_hosts}:1", error)
        self.assertIn(f"ssh-keygen -R '[127.0.0.1]:{self.sshd.port}' -f {self.known_hosts}", error)
        self.assertEqual(self.sshd.accepted_logins(), logins_before, "the key must not be offered to the server")
        with open(site) as f:
            self.assertEqual(f.read(), site_before)

    def test_unknown_host_is_refused_until_its_key_is_added(self):
        env = self.env
        self.deploy_v1()
        self.write_known_hosts(f"[127.0.0.1]:{free_port()} " + self.sshd.host_key_entry().split(" ", 1)[1])
        v2 = env.repo.commit_version("v2")
        result = env.deploy(check=False)
        self.assert_refused_before_build(v2, result)
        error = result.stderr
        self.assertIn(f"127.0.0.1 port {self.sshd.port} (ssh-ed25519 {self.sshd.fingerprint()}) is not known", error)
        self.assertIn("never trusts a host key on first use", error)

        # The next step the message gives, followed to the letter.
        step = re.search(r"add it: ssh-keyscan (.*) >> (\S+)", error)
        self.assertIsNotNone(step, error)
        self.assertEqual(step.group(2), self.known_hosts)
        scanned = run(["ssh-keyscan", *step.group(1).split()]).stdout
        with open(self.known_hosts, "a") as f:
            f.write(scanned)
        env.deploy()
        self.assertEqual(env.served_version(), "v2")

    def test_encrypted_key_without_its_public_half(self):
        env = self.env
        passphrase = "correct horse battery staple"
        key = self.sshd.user_key("encrypted_key", passphrase=passphrase)
        # libssh2 derives the public key from the private one.
        os.remove(key + ".pub")
        os.environ["CUTOVER_TEST_SSH_PASSPHRASE"] = passphrase
        self.addCleanup(os.environ.pop, "CUTOVER_TEST_SSH_PASSPHRASE", None)
        self.use_ssh(self.ssh_url(), key, extra_auth=", ssh_passphrase_env: CUTOVER_TEST_SSH_PASSPHRASE")
        self.write_known_hosts(self.sshd.host_key_entry())
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(self.sshd.accepted_logins(), 1)


@unittest.skipUnless(loopback_port_free(22), "127.0.0.1:22 is taken; scp-like URLs always use port 22")
class ScpLikeUrl(SshTest):
    """user@host:path has no port in libgit2 1.5, so this server takes 22."""
    sshd_port = 22

    def test_scp_like_url(self):
        env = self.env
        self.use_ssh(f"{self.sshd.user}@127.0.0.1:{env.repo.path}", self.sshd.user_key("deploy_key"))
        self.write_known_hosts(self.sshd.host_key_entry())
        env.repo.commit_version("v1")
        env.daemon.start()
        env.deploy()
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(self.sshd.accepted_logins(), 1)


if __name__ == "__main__":
    unittest.main()
