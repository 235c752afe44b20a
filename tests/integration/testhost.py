"""Test hosts for the remote-host tests: a machine of its own, made of
namespaces, with real sshd, dockerd and nginx in it.

A TestHost is
- a network namespace joined to the root one by a veth pair (10.231.N.1 on
  the control side, 10.231.N.2 on the host's), so the control host reaches it
  only at that address;
- a mount namespace where a private directory is bind-mounted at HOST_DIR,
  a path that stays empty on the control host: a file cutoverd wrote there
  by mistake cannot pass for one it wrote through SFTP, and the Engine socket
  under it exists only on the host, so the Docker API must go through SSH;
- sshd, dockerd (own data-root, exec-root, pidfile and socket) and nginx,
  started inside both namespaces with `nsenter --mount --net` (not `ip netns
  exec`, which remounts /sys and hides the cgroup mounts dockerd needs).

close() removes containers, processes, mounts, the namespaces and the veth,
and is safe to call after a failed start or twice.
"""
import os
import shutil
import subprocess
import time

from harness import run, wait_for

HOST_DIR = "/srv/cutover-host"
NS_DIR = "/run/cutover-test"
SSHD = "/usr/sbin/sshd"

NGINX_MAIN = """\
worker_processes 2;
pid {d}/nginx/nginx.pid;
error_log {d}/nginx/error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {d}/nginx/tmp/body;
    proxy_temp_path {d}/nginx/tmp/proxy;
    fastcgi_temp_path {d}/nginx/tmp/fastcgi;
    uwsgi_temp_path {d}/nginx/tmp/uwsgi;
    scgi_temp_path {d}/nginx/tmp/scgi;
    include {d}/nginx/sites/cutover-*.conf;
}}
"""

SSHD_CONFIG = """\
ListenAddress {address}:22
HostKey {d}/ssh/host_ed25519
PidFile {d}/ssh/sshd.pid
AuthorizedKeysFile {d}/ssh/authorized_keys
AllowUsers root
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
AllowTcpForwarding yes
AllowStreamLocalForwarding yes
ClientAliveInterval 0
MaxSessions 64
MaxStartups 64
Subsystem sftp internal-sftp
LogLevel VERBOSE
"""


def _private_ns_dir():
    """unshare --mount=FILE needs FILE on a mount with private propagation."""
    os.makedirs(NS_DIR, exist_ok=True)
    with open("/proc/self/mountinfo") as f:
        mounts = f.read()
    if f" {NS_DIR} " not in mounts:
        run(["mount", "--bind", NS_DIR, NS_DIR])
    run(["mount", "--make-private", NS_DIR])


class TestHost:
    """One remote host. index picks its subnet (10.231.<index>.0/24)."""

    def __init__(self, root, name, index):
        self.name = name
        self.index = index
        self.dir = os.path.join(root, f"host-{name}")  # what HOST_DIR is, seen from the control host
        self.netns = f"cut-{name}"
        self.netns_path = f"/run/netns/{self.netns}"
        self.mount_ns = os.path.join(NS_DIR, f"{name}.mnt")
        self.veth = f"vc-{name}"[:15]
        self.address = f"10.231.{index}.2"
        self.gateway = f"10.231.{index}.1"
        self.docker_socket = f"{HOST_DIR}/docker/docker.sock"
        self.nginx_main = f"{HOST_DIR}/nginx/nginx.conf"
        self.nginx_sites = f"{HOST_DIR}/nginx/sites"
        self.nginx_pid = f"{HOST_DIR}/nginx/nginx.pid"
        self.procs = {}
        self.logs = {}
        self.closed = False
        try:
            self._make_namespaces()
            self._make_files()
            self.start_dockerd()
            self.start_sshd()
            self.start_nginx()
        except BaseException:
            self.close()
            raise

    # --- namespaces -----------------------------------------------------

    def _make_namespaces(self):
        _private_ns_dir()
        os.makedirs(HOST_DIR, exist_ok=True)
        os.makedirs(self.dir)
        open(self.mount_ns, "w").close()
        run(["unshare", f"--mount={self.mount_ns}", "--propagation", "private", "true"])
        run(["nsenter", f"--mount={self.mount_ns}", "mount", "--bind", self.dir, HOST_DIR])
        # sshd runs every command through root's shell, which reads ~/.bashrc:
        # the host gets a fresh machine's (empty) one, not whatever this
        # machine's root set up there (a pyenv init costs 0.5 s per command).
        for rc in ("/root/.bashrc", "/root/.profile"):
            if os.path.exists(rc):
                run(["nsenter", f"--mount={self.mount_ns}", "mount", "--bind", "/dev/null", rc])
        run(["ip", "netns", "add", self.netns])
        peer = f"vh-{self.name}"[:15]
        run(["ip", "link", "add", self.veth, "type", "veth", "peer", "name", peer])
        run(["ip", "link", "set", peer, "netns", self.netns])
        run(["ip", "addr", "add", f"{self.gateway}/24", "dev", self.veth])
        run(["ip", "link", "set", self.veth, "up"])
        self.inside(["ip", "addr", "add", f"{self.address}/24", "dev", peer])
        self.inside(["ip", "link", "set", peer, "up"])
        self.inside(["ip", "link", "set", "lo", "up"])

    def enter(self):
        return ["nsenter", f"--mount={self.mount_ns}", f"--net={self.netns_path}"]

    def inside(self, argv, check=True, timeout=120):
        """Runs argv on the host (both namespaces)."""
        return run(self.enter() + argv, check=check, timeout=timeout)

    def docker(self, *args, check=True):
        return self.inside(["docker", "-H", f"unix://{self.docker_socket}", *args], check=check)

    def _make_files(self):
        for sub in ("docker", "ssh", "nginx/sites", "nginx/tmp"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        with open(os.path.join(self.dir, "nginx/nginx.conf"), "w") as f:
            f.write(NGINX_MAIN.format(d=HOST_DIR))
        run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"testhost-{self.name}",
             "-f", os.path.join(self.dir, "ssh/host_ed25519")])
        open(os.path.join(self.dir, "ssh/authorized_keys"), "w").close()
        with open(os.path.join(self.dir, "ssh/sshd_config"), "w") as f:
            f.write(SSHD_CONFIG.format(address=self.address, d=HOST_DIR))

    # --- services -------------------------------------------------------

    def _spawn(self, name, argv):
        log = open(os.path.join(self.dir, f"{name}.log"), "a")
        self.logs[name] = log.name
        self.procs[name] = subprocess.Popen(self.enter() + argv, stdout=log, stderr=log,
                                            start_new_session=True)
        log.close()

    def log(self, name):
        try:
            with open(self.logs[name], errors="replace") as f:
                return f.read()
        except (KeyError, FileNotFoundError):
            return ""

    def start_dockerd(self):
        d = f"{HOST_DIR}/docker"
        self._spawn("dockerd", ["dockerd", "--data-root", f"{d}/data", "--exec-root", f"{d}/exec",
                                "--pidfile", f"{d}/docker.pid", "-H", f"unix://{self.docker_socket}",
                                "--storage-driver", "overlay2"])
        wait_for(lambda: self.procs["dockerd"].poll() is not None
                 or self.docker("version", check=False).returncode == 0, 60, f"dockerd on {self.name}")
        if self.procs["dockerd"].poll() is not None:
            raise AssertionError(f"dockerd on {self.name} exited:\n{self.log('dockerd')}")

    def stop_dockerd(self):
        self._stop("dockerd", timeout=30)

    def start_sshd(self):
        os.makedirs("/run/sshd", mode=0o755, exist_ok=True)
        self._spawn("sshd", [SSHD, "-D", "-e", "-f", f"{HOST_DIR}/ssh/sshd_config"])
        wait_for(lambda: self.procs["sshd"].poll() is not None or "Server listening" in self.log("sshd"), 20,
                 f"sshd on {self.name}")
        if self.procs["sshd"].poll() is not None:
            raise AssertionError(f"sshd on {self.name} exited:\n{self.log('sshd')}")

    def stop_sshd(self):
        """Stops the listener and every session it serves, as a restart of the service would."""
        self._stop("sshd")
        self.inside(["pkill", "-KILL", "-f", f"sshd: root"], check=False)

    def start_nginx(self):
        self.inside(["nginx", "-c", self.nginx_main])

    def nginx_master(self):
        try:
            with open(os.path.join(self.dir, "nginx/nginx.pid")) as f:
                return int(f.read().strip())
        except (FileNotFoundError, ValueError):
            return None

    def _stop(self, name, timeout=10):
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)

    # --- keys -----------------------------------------------------------

    def authorize(self, public_key_path):
        with open(public_key_path) as pub, open(os.path.join(self.dir, "ssh/authorized_keys"), "a") as keys:
            keys.write(pub.read())

    def host_key_line(self, name=None):
        """The known_hosts line for this host's key, under the name cutoverd connects to."""
        with open(os.path.join(self.dir, "ssh/host_ed25519.pub")) as f:
            key_type, key = f.read().split()[:2]
        return f"{name or self.address} {key_type} {key}\n"

    def fingerprint(self):
        out = run(["ssh-keygen", "-l", "-f", os.path.join(self.dir, "ssh/host_ed25519.pub")]).stdout
        return out.split()[1]

    def file(self, path):
        """Where a path of the host (under HOST_DIR) is, seen from the control host."""
        assert path.startswith(HOST_DIR + "/"), path
        return os.path.join(self.dir, path[len(HOST_DIR) + 1:])

    # --- teardown -------------------------------------------------------

    def close(self):
        if self.closed:
            return
        self.closed = True
        if os.path.exists(self.mount_ns):
            if "dockerd" in self.procs:
                ids = self.docker("ps", "-aq", check=False).stdout.split()
                if ids:
                    self.docker("rm", "-f", *ids, check=False)
            master = self.nginx_master()
            if master:
                subprocess.run(["kill", "-KILL", str(master)], check=False, capture_output=True)
        self._stop("sshd")
        self._stop("dockerd", timeout=30)
        for name in list(self.procs):
            self._stop(name)
        # Whatever still runs in the host's network namespace (nginx workers,
        # sshd sessions, container shims) ends with it.
        self._kill_namespace_members()
        subprocess.run(["umount", "-l", self.mount_ns], check=False, capture_output=True)
        if os.path.exists(self.mount_ns):
            os.remove(self.mount_ns)
        subprocess.run(["ip", "netns", "del", self.netns], check=False, capture_output=True)
        subprocess.run(["ip", "link", "del", self.veth], check=False, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def _kill_namespace_members(self):
        try:
            target = os.stat(self.netns_path).st_ino
        except FileNotFoundError:
            return
        for _ in range(3):
            members = []
            for pid in filter(str.isdigit, os.listdir("/proc")):
                try:
                    if os.stat(f"/proc/{pid}/ns/net").st_ino == target:
                        members.append(int(pid))
                except (FileNotFoundError, PermissionError, ProcessLookupError):
                    pass
            if not members:
                return
            for pid in members:
                try:
                    os.kill(pid, 9)
                except ProcessLookupError:
                    pass
            time.sleep(0.5)


def user_key(root, name):
    """A fresh ed25519 key pair without a passphrase; returns the private key's path."""
    path = os.path.join(root, name)
    run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path])
    return path


def run_app_on(env, host, name, root):
    """Makes the app of env (harness.Env, before its daemon starts) run on
    `host`, listed as `name` in hosts:. The app's config must already say
    `hosts: [name]`. A deploy key the host accepts, the host's key in a
    known_hosts file, the route on the host's address (env.address follows),
    and the hosts: entry. Returns the deploy key's path."""
    key = user_key(root, "deploy")
    host.authorize(key + ".pub")
    known_hosts = os.path.join(root, "known_hosts")
    with open(known_hosts, "w") as f:
        f.write(host.host_key_line())
    nginx = (f"{{binary: /usr/sbin/nginx, main_config: {host.nginx_main}, sites_dir: {host.nginx_sites}, "
             f"pid_file: {host.nginx_pid}}}")
    with open(env.config_path) as f:
        text = f.read()
    text = text.replace("daemon:\n", f"daemon:\n  known_hosts: {known_hosts}\n  ssh_key: {key}\n", 1)
    text = text.replace(f'listen: "127.0.0.1:{env.listen_port}"', f'listen: "{host.address}:{env.listen_port}"')
    text += (f"hosts:\n  {name}: {{ssh: root@{host.address}, docker: \"unix://{host.docker_socket}\", "
             f"nginx: {nginx}, state_dir: {HOST_DIR}/state}}\n")
    with open(env.config_path, "w") as f:
        f.write(text)
    env.address = host.address
    return key
