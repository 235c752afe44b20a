#!/usr/bin/env python3
"""Cutover under load: cutoverd against two common hand-made ways to replace
a running container, under the same steady HTTP load.

Each method gets its own private nginx on a 127.0.0.1 port (the harness's
nginx.conf, and the nginx files cutoverd writes, rendered from cutover's own
templates/nginx/*.mustache: see SiteFile), the same test app image
(cutover-test-base + one ENV + one small file), and its own loadgen run with
the same parameters. Each does one initial deployment (v0) before the load
starts, then N cutovers v1..vN under load:

  cutover    cutoverd with one app; each iteration commits vI to a local git
             repo and runs `cutover deploy APP` (blocks until done, drain
             included).
  recreate   what `docker compose up -d` does on a change: build the new
             image, then `docker stop -t 10` + `docker rm` the container and
             `docker run -d` the new image on the same 127.0.0.1 host port.
  script     a typical hand-written blue/green script: build, start the other
             color on its own port, poll /up until 200, rewrite the nginx
             files to the new port, `nginx -t`, `nginx -c CONF -s reload`, then
             `docker stop -t 10` + `docker rm` the old color at once (no drain).

Run from anywhere:  bench/cutover_under_load.py [--cutovers 20] [--readme bench/README.md]
CI's smoke run (tests/integration/test_bench_smoke.py): --cutovers 1, short load.
Needs: the build (CUTOVER_BUILD_DIR, default ./build beside bench/), dockerd,
nginx, git, and the image cutover-test-base:latest (never pulled).
Everything it creates is removed at the end, also on failure or Ctrl-C.

Exit status: 2 if a method failed to run (the others still run and are
reported), else 1 if the cutover method failed a request, else 0. Requests
the baselines fail are what is measured, not an error.
"""
import argparse
import bisect
import html
import json
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
os.environ.setdefault("CUTOVER_SOURCE_DIR", SOURCE_DIR)
os.environ.setdefault("CUTOVER_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
sys.dont_write_bytecode = True  # no __pycache__ in tests/integration
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "integration"))
import harness  # noqa: E402  (needs the environment above at import time)

METHODS = ("cutover", "recreate", "script")
TITLES = {"cutover": "cutover", "recreate": "recreate (compose-like)", "script": "script blue/green"}
HOST_HEADER = "app.test"
LOADGEN_MAX_S = 600          # loadgen refuses a longer --duration
ITERATION_BUDGET_S = 540     # stop starting cutovers after this, so loadgen never runs out first
STOP_GRACE_S = 10            # docker stop -t, and cutover's stop_timeout
HEALTH_INTERVAL_S = 0.2      # cutover's health interval, and the script's /up poll interval


# --------------------------------------------------------------------------- helpers
def run(argv, timeout=120, check=True, cwd=None):
    return harness.run(argv, check=check, timeout=timeout, cwd=cwd)


def now():
    return time.monotonic()


def write_context(path, version):
    """The same Dockerfile and file that harness.AppRepo.commit_version commits."""
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "Dockerfile"), "w") as f:
        f.write(f"FROM {harness.BASE_IMAGE}\nENV APP_VERSION={version}\nCOPY version.txt /version.txt\n")
    with open(os.path.join(path, "version.txt"), "w") as f:
        f.write(version + "\n")


_TAG = re.compile(r"{{{\s*(\w+)\s*}}}|{{([#^/!]?)(.*?)}}", re.S)


def _mustache_tokens(text):
    """(kind, value) tokens; kind is text, raw, var, #, ^, / or !. Lines that
    hold only whitespace and section or comment tags (multi-line comments
    included) leave no trace, as in the mustache spec and kainjow::mustache
    (cutoverd's renderer)."""
    tokens, at = [], 0
    for m in _TAG.finditer(text):
        tokens.append(("text", text[at:m.start()]))
        tokens.append(("raw", m.group(1)) if m.group(1) else (m.group(2) or "var", m.group(3).strip()))
        at = m.end()
    tokens.append(("text", text[at:]))
    # One token list per line; text pieces keep their newline.
    lines, line = [], []
    for kind, value in tokens:
        if kind != "text":
            line.append((kind, value))
            continue
        for piece in value.splitlines(keepends=True):
            line.append(("text", piece))
            if piece.endswith("\n"):
                lines.append(line)
                line = []
    lines.append(line)
    out = []
    for line in lines:
        kinds = {k for k, _ in line}
        standalone = (kinds & {"#", "^", "/", "!"} and not kinds & {"raw", "var"}
                      and all(v.strip() == "" for k, v in line if k == "text"))
        out += [t for t in line if t[0] != "text"] if standalone else line
    return [t for t in out if t[0] != "!" and t != ("text", "")]


def _mustache_tree(tokens, pos=0, closing=None):
    nodes = []
    while pos < len(tokens):
        kind, value = tokens[pos]
        pos += 1
        if kind == "/":
            if value != closing:
                raise ValueError(f"mustache: {{{{/{value}}}}} closes {closing or 'nothing'}")
            return nodes, pos
        if kind in ("#", "^"):
            children, pos = _mustache_tree(tokens, pos, value)
            nodes.append((kind, value, children))
        else:
            nodes.append((kind, value))
    if closing:
        raise ValueError(f"mustache: {{{{#{closing}}}}} is never closed")
    return nodes, pos


def _mustache_render(nodes, stack):
    def lookup(name):
        for context in reversed(stack):
            if isinstance(context, dict) and name in context:
                return context[name]
        return None

    out = []
    for node in nodes:
        kind, name = node[0], node[1]
        if kind == "text":
            out.append(name)
        elif kind in ("raw", "var"):
            value = lookup(name)
            text = "" if value is None else str(value)
            out.append(text if kind == "raw" else html.escape(text))
        elif kind == "#":
            value = lookup(name)
            items = value if isinstance(value, list) else [value] if value else []
            for item in items:
                out.append(_mustache_render(node[2], stack + [item]))
        elif not lookup(name):  # "^": inverted section
            out.append(_mustache_render(node[2], stack))
    return "".join(out)


def render_template(text, values):
    """The mustache that templates/nginx/*.mustache use: {{{var}}}, {{var}},
    nested {{#section}} over lists, objects and booleans, {{^inverted}} and
    {{! comments }}, names looked up through the enclosing sections."""
    return _mustache_render(_mustache_tree(_mustache_tokens(text))[0], [values])


def get_status(port, path, timeout=1.0):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as r:
            return r.status, r.read().decode().strip()
    except Exception:  # refused, reset by docker-proxy, timeout: not up yet
        return None, None


def served_version(listen_port):
    req = urllib.request.Request(f"http://127.0.0.1:{listen_port}/", headers={"Host": HOST_HEADER})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.read().decode().strip()


def serves(listen_port, version):
    """True once nginx answers with version; nginx may still be applying a reload."""
    try:
        return served_version(listen_port) == version
    except OSError:
        return False


def wait_until(predicate, timeout, what):
    deadline = now() + timeout
    while now() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out after {timeout}s waiting for {what}")


class Nginx(harness.Nginx):
    """The harness's private nginx, plus a stop that waits for the exit."""

    def stop(self):
        try:
            pid = self.pid()
        except (OSError, ValueError):
            return
        super().stop()  # SIGQUIT: graceful
        deadline = now() + 15
        while now() < deadline:
            try:
                os.kill(pid, 0)
            except OSError:
                return
            time.sleep(0.1)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


SERVER_SECTION_MARKER = "# cutover-server: "   # agent/nginx/site_parts.hpp
ACCESS_LOG_FORMAT = "$msec $status $request_time $upstream_addr"  # agent/core/access_record.hpp


def server_key(listen, host):
    """agent/nginx/site_parts.cpp: the file name of a server's sections."""
    def escape(text):
        return "".join(c if c in "abcdefghijklmnopqrstuvwxyz0123456789.-" else f"+{ord(c):02x}" for c in text)
    return escape(listen) + "@" + (escape(host) if host else "_")


class SiteFile:
    """The nginx files cutoverd writes for one app with one route, rendered
    from cutover's own templates (templates/nginx/*.mustache) the way
    agent/nginx/ renders them, for a hand-managed upstream:

      sites/cutover-_common.conf   common.conf.mustache (the Connection map)
      sites/cutover-_servers.conf  servers.conf.mustache: the server block for
                                   the listen and host, which includes
                                   sections/*/<key>.conf
      sites/cutover-NAME.conf      app.conf.mustache up to its first
                                   "# cutover-server:" line (the head: the
                                   upstream with keepalive)
      sections/NAME/<key>.conf     the rest (the section: the locations,
                                   proxy_pass with HTTP/1.1 and
                                   proxy_next_upstream)

    So the baselines proxy exactly as cutover does; only the way the release
    is replaced differs."""

    def __init__(self, nginx, name, listen_port):
        self.nginx, self.name = nginx, name
        self.listen = f"127.0.0.1:{listen_port}"
        self.key = server_key(self.listen, HOST_HEADER)
        self.sites = os.path.join(nginx.prefix, "sites")
        self.sections = os.path.join(nginx.prefix, "sections")
        os.makedirs(os.path.join(self.sections, name), exist_ok=True)
        tdir = os.path.join(SOURCE_DIR, "templates", "nginx")

        def template(name):
            with open(os.path.join(tdir, name + ".conf.mustache")) as f:
                return f.read()
        self.template = template("app")
        self._write(self.sites, "cutover-_common.conf",
                    render_template(template("common"), {"access_log_format": ACCESS_LOG_FORMAT}))
        self._write(self.sites, "cutover-_servers.conf", render_template(template("servers"), {
            "sections_dir": self.sections,
            "servers": [{"key": self.key, "listen": self.listen, "server_name": HOST_HEADER,
                         "default_server": False}],
        }))

    @staticmethod
    def _write(directory, filename, text):
        tmp = os.path.join(directory, "." + filename + ".tmp")  # not matched by nginx's include globs
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, os.path.join(directory, filename))

    def point_at(self, port, release):
        text = render_template(self.template, {
            "app": self.name, "release": release, "upstream": "cutover_" + self.name.replace("-", "_"),
            "servers": [{"port": port}],
            "sections": [{"key": self.key, "listen": self.listen, "server_name": HOST_HEADER,
                          "locations": [{"match": "/"}]}],
        })
        at = text.find("\n" + SERVER_SECTION_MARKER) + 1
        if at == 0 or text.count("\n" + SERVER_SECTION_MARKER) != 1:
            raise RuntimeError("templates/nginx/app.conf.mustache: expected one '# cutover-server:' section "
                               "for one route; update SiteFile in bench/cutover_under_load.py")
        head, section = text[:at], text[at:]
        # As cutoverd does: sections first, the head (which names the release) last.
        self._write(os.path.join(self.sections, self.name), self.key + ".conf", section)
        self._write(self.sites, f"cutover-{self.name}.conf", head)
        run(["nginx", "-t", "-q", "-c", self.nginx.main_config])

    def reload(self):
        run(["nginx", "-c", self.nginx.main_config, "-s", "reload"])


# --------------------------------------------------------------------------- methods
class Method:
    """setup() makes v0 live behind nginx; deploy(version) does one cutover and
    returns timestamps; cleanup() removes everything, whatever state it is in."""

    def __init__(self, root, run_id):
        self.root, self.run_id = root, run_id
        self.listen_port = harness.free_port()
        self.nginx = None

    def cleanup(self):
        if self.nginx:
            self.nginx.stop()


class DockerMethod(Method):
    """Shared by recreate and script: images and containers carry cutover.bench=RUN."""

    def __init__(self, root, run_id):
        super().__init__(root, run_id)
        self.label = f"cutover.bench={run_id}"
        self.context = os.path.join(root, "context")

    def start_nginx(self):
        self.nginx = Nginx(os.path.join(self.root, "nginx"))
        self.site = SiteFile(self.nginx, f"bench-{self.kind}", self.listen_port)

    def image(self, version):
        return f"cutover-bench-{self.run_id}/{self.kind}:{version}"

    def build(self, version):
        write_context(self.context, version)
        run(["docker", "build", "-q", "--label", self.label, "-t", self.image(version), self.context],
            timeout=300)

    def start(self, name, port, version):
        run(["docker", "run", "-d", "--name", name, "--label", self.label,
             "-p", f"127.0.0.1:{port}:8080", self.image(version)])

    def stop_and_remove(self, name):
        run(["docker", "stop", "-t", str(STOP_GRACE_S), name], timeout=STOP_GRACE_S + 60)
        run(["docker", "rm", name])

    def cleanup(self):
        super().cleanup()
        ids = run(["docker", "ps", "-aq", "--filter", f"label={self.label}"], check=False).stdout.split()
        if ids:
            run(["docker", "rm", "-f", *ids], check=False)
        images = run(["docker", "images", "-q", "--filter", f"label={self.label}"], check=False).stdout.split()
        if images:
            run(["docker", "rmi", "-f", *sorted(set(images))], check=False)


class Recreate(DockerMethod):
    kind = "recreate"

    def setup(self):
        self.start_nginx()
        self.port = harness.free_port()
        self.name = f"cutover-bench-{self.run_id}-recreate"
        self.build("v0")
        self.start(self.name, self.port, "v0")
        self.site.point_at(self.port, "recreate")
        self.site.reload()

    def deploy(self, version):
        t = {"start": now()}
        self.build(version)                     # before the stop: not counted against availability
        t["built"] = now()
        self.stop_and_remove(self.name)
        t["stopped"] = now()
        self.start(self.name, self.port, version)
        t["end"] = now()                        # where `docker compose up -d` returns
        return t


class Script(DockerMethod):
    kind = "script"

    def setup(self):
        self.start_nginx()
        self.ports = {"blue": harness.free_port(), "green": harness.free_port()}
        self.live = "blue"
        self.build("v0")
        self.start(self.container("blue"), self.ports["blue"], "v0")
        self.wait_up(self.ports["blue"])
        self.site.point_at(self.ports["blue"], "blue")
        self.site.reload()

    def container(self, color):
        return f"cutover-bench-{self.run_id}-script-{color}"

    def wait_up(self, port, timeout=60):
        deadline = now() + timeout
        while now() < deadline:
            if get_status(port, "/up")[0] == 200:
                return
            time.sleep(HEALTH_INTERVAL_S)
        raise RuntimeError(f"/up on 127.0.0.1:{port} did not answer 200 within {timeout}s")

    def deploy(self, version):
        t = {"start": now()}
        old, new = self.live, ("green" if self.live == "blue" else "blue")
        self.build(version)
        t["built"] = now()
        self.start(self.container(new), self.ports[new], version)
        self.wait_up(self.ports[new])
        t["healthy"] = now()
        self.site.point_at(self.ports[new], new)
        self.site.reload()
        t["reloaded"] = now()
        self.live = new
        self.stop_and_remove(self.container(old))  # at once: no drain
        t["end"] = now()
        return t


class Cutover(Method):
    kind = "cutover"

    def __init__(self, root, run_id):
        super().__init__(root, run_id)
        self.app = f"bench-{run_id}"
        self.nginx_prefix = os.path.join(root, "nginx")
        self.repo = harness.AppRepo(os.path.join(root, "repo"))
        self.templates = os.path.join(root, "templates")
        shutil.copytree(os.path.join(SOURCE_DIR, "templates"), self.templates)
        self.socket = os.path.join(root, "cutover.sock")
        self.config_path = os.path.join(root, "cutover.yml")
        base = random.randrange(21000, 29000, 100)
        interval_ms = int(HEALTH_INTERVAL_S * 1000)
        with open(self.config_path, "w") as f:
            f.write(f"""\
daemon:
  state_dir: {root}/state
  socket: {self.socket}
  log_level: info
nginx:
  main_config: {self.nginx_prefix}/nginx.conf
  sites_dir: {self.nginx_prefix}/sites
  pid_file: {self.nginx_prefix}/nginx.pid
  templates_dir: {self.templates}
ports: {base}-{base + 99}
apps:
  {self.app}:
    repo: {self.repo.path}
    branch: main
    port: 8080
    replicas: 1
    routes: [{{host: {HOST_HEADER}, path: /, listen: "127.0.0.1:{self.listen_port}"}}]
    health: {{path: /up, interval: {interval_ms}ms, timeout: 1s, deploy_timeout: 60s}}
    drain_timeout: 30s
    stop_timeout: {STOP_GRACE_S}s
    retain: 2
""")
        self.daemon = harness.Daemon(self)   # uses .root, .config_path and .cli()
        self.deployment_ids = []

    def cli(self, *args, check=True, timeout=300):
        return run([harness.CUTOVER, "--socket", self.socket, *args], check=check, timeout=timeout)

    def setup(self):
        self.nginx = Nginx(self.nginx_prefix)
        self.repo.commit_version("v0")
        self.daemon.start()
        self.cli("deploy", self.app)

    def deploy(self, version):
        self.repo.commit_version(version)      # the "push"; not part of the deploy window
        t = {"start": now()}
        out = self.cli("--json", "deploy", self.app).stdout
        t["end"] = now()
        for line in out.splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and "deployment_id" in event:
                t["deployment_id"] = event["deployment_id"]
                break
        else:
            raise RuntimeError(f"no deployment id in `cutover --json deploy` output:\n{out[-2000:]}")
        return t

    def steps(self, deployment_id):
        """{step: duration_ms} from the deployment's end events."""
        out = self.cli("--json", "logs", str(deployment_id)).stdout
        steps = {}
        for line in out.splitlines():
            if not line.strip():
                continue
            event = json.loads(line)
            if event.get("kind") == "end" and event.get("duration_ms", -1) >= 0:
                steps[event["step"]] = event["duration_ms"]
        return steps

    def cleanup(self):
        try:
            self.daemon.stop()
        finally:
            super().cleanup()
            ids = run(["docker", "ps", "-aq", "--filter", f"label=cutover.app={self.app}"],
                      check=False).stdout.split()
            if ids:
                run(["docker", "rm", "-f", *ids], check=False)
            images = run(["docker", "images", "-q", f"cutover/{self.app}"], check=False).stdout.split()
            if images:
                run(["docker", "rmi", "-f", *sorted(set(images))], check=False)


# --------------------------------------------------------------------------- load
class Load:
    def __init__(self, root, listen_port, args):
        self.out = os.path.join(root, "load.json")
        self.timeline = os.path.join(root, "timeline.tsv")
        self.stop_file = os.path.join(root, "load.stop")
        self.argv = [harness.LOADGEN, "--url", f"http://127.0.0.1:{listen_port}/", "--host", HOST_HEADER,
                     "--connections", str(args.connections), "--rate", str(args.rate),
                     "--timeout", "5s", "--duration", f"{LOADGEN_MAX_S}s",
                     "--stop-file", self.stop_file, "--out", self.out, "--timeline", self.timeline]
        self.t0 = now()  # loadgen's clock starts a few ms after this (exec and set-up)
        self.proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def ms(self, t):
        """A time.monotonic() value on loadgen's timeline."""
        return (t - self.t0) * 1000.0

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        open(self.stop_file, "w").close()
        _, err = self.proc.communicate(timeout=60)
        if self.proc.returncode not in (0, 1):
            raise RuntimeError(f"loadgen exited {self.proc.returncode}: {err.decode()}")
        with open(self.out) as f:
            report = json.load(f)
        entries = []
        with open(self.timeline) as f:
            for line in f:
                start, end, status, body = line.rstrip("\n").split("\t", 3)
                entries.append((float(start), float(end), int(status), body))
        entries.sort()  # loadgen sorts by start already; cheap to be sure
        return report, entries

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------- analysis
def percentile(sorted_values, p):
    """Nearest rank, as loadgen computes it."""
    if not sorted_values:
        return None
    rank = max(1, -(-len(sorted_values) * p // 100))
    return sorted_values[int(rank) - 1]


def analyse(method, deploys, report, entries, load):
    """Per-cutover numbers from the timeline: entries sorted by start."""
    ok = lambda e: 200 <= e[2] < 300  # noqa: E731
    starts = [e[0] for e in entries]
    per = []
    window_latencies = []
    window_failed = 0
    for i, d in enumerate(deploys):
        w_start, w_end = load.ms(d["start"]), load.ms(d["end"])
        # Old bodies can only come from before the next deploy starts.
        horizon = load.ms(deploys[i + 1]["start"]) if i + 1 < len(deploys) else float("inf")
        in_window = entries[bisect.bisect_left(starts, w_start):bisect.bisect_right(starts, w_end)]
        window_latencies += [e[1] - e[0] for e in in_window if e[2] != 0]
        failed = [e for e in in_window if not ok(e)]
        window_failed += len(failed)
        span = (max(e[1] for e in failed) - min(e[0] for e in failed)) if failed else 0.0
        around = entries[bisect.bisect_left(starts, w_start):bisect.bisect_left(starts, horizon)]
        # The longest stretch in which no request got a 2xx answer: what a
        # user sees as "down" or "hanging", whatever the failure count says.
        ok_ends = sorted(e[1] for e in around if ok(e))
        gap = max((b - a for a, b in zip(ok_ends, ok_ends[1:])), default=None)
        new_starts = [e[0] for e in around if ok(e) and e[3] == d["version"]]
        switch = None
        old_after = 0
        if new_starts:
            first_new = min(new_starts)
            old = [e[0] for e in around if e[0] >= first_new and ok(e) and e[3] == d["previous"]]
            old_after = len(old)
            switch = (max(old) - first_new) if old else 0.0
        per.append({"version": d["version"], "duration_s": d["end"] - d["start"],
                    "build_s": d.get("build_s"), "failed": len(failed), "error_span_ms": span, "no_2xx_gap_ms": gap,
                    "switch_ms": switch, "old_after_new": old_after, "steps": d.get("steps")})
    # Failures outside every deploy window (should be none) are in the totals too.
    window_latencies.sort()
    return {"method": method, "cutovers": len(deploys), "requests": report["requests"],
            "ok": report["ok"], "failed": report["failed"], "retried": report["retried"],
            "errors": {k: v for k, v in report["errors"].items() if v},
            "status": report["status"], "run_latency_ms": report["latency_ms"],
            "window_failed": window_failed, "window_requests": len(window_latencies),
            "window_p50_ms": percentile(window_latencies, 50),
            "window_p99_ms": percentile(window_latencies, 99),
            "window_max_ms": window_latencies[-1] if window_latencies else None,
            "duration_s": report["duration_ms"] / 1000.0, "per_cutover": per}


# --------------------------------------------------------------------------- one method
def run_method(kind, args, run_id, log):
    root = tempfile.mkdtemp(prefix=f"cutover-bench-{kind}-")
    method = None
    load = None
    try:
        cls = {"cutover": Cutover, "recreate": Recreate, "script": Script}[kind]
        method = cls(root, run_id)
        method.setup()
        wait_until(lambda: serves(method.listen_port, "v0"), 30, f"{kind}: v0 to be served")
        load = Load(root, method.listen_port, args)
        time.sleep(args.warmup)
        deploys = []
        began = now()
        for i in range(1, args.cutovers + 1):
            if now() - began > ITERATION_BUDGET_S:
                log(f"{kind}: time budget spent after {i - 1} cutovers; stopping early")
                break
            if not load.alive():
                raise RuntimeError(f"{kind}: loadgen exited early")
            version = f"v{i}"
            t = method.deploy(version)
            t.update(version=version, previous=f"v{i - 1}")
            if kind == "cutover":
                t["steps"] = method.steps(t["deployment_id"])
                t["build_s"] = t["steps"].get("build", 0) / 1000.0
            else:
                t["build_s"] = t["built"] - t["start"]
            deploys.append(t)
            log(f"{kind}: {version} in {t['end'] - t['start']:.2f}s")
            time.sleep(args.gap)
        time.sleep(args.tail)
        report, entries = load.stop()
        served = served_version(method.listen_port)
        if deploys and served != deploys[-1]["version"]:
            raise RuntimeError(f"{kind}: serves {served!r} after the run, expected {deploys[-1]['version']}")
        result = analyse(kind, deploys, report, entries, load)
        if args.keep:
            result["root"] = root
        return result
    finally:
        if load:
            load.kill()
        if method:
            method.cleanup()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


# --------------------------------------------------------------------------- output
def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmax(values):
    values = [v for v in values if v is not None]
    return max(values) if values else None


def fmt(value, digits=1):
    return "n/a" if value is None else f"{value:.{digits}f}"


def table_rows(results):
    rows = []

    def row(label, fn):
        rows.append([label] + [fn(r) for r in results])

    row("cutovers done", lambda r: str(r["cutovers"]))
    row("requests (whole run)", lambda r: str(r["requests"]))
    row("failed requests (whole run)", lambda r: str(r["failed"]))
    row("  by kind", lambda r: ", ".join(f"{k} {v}" for k, v in r["errors"].items()) or "-")
    row("retried (stale keep-alive, then ok or failed)", lambda r: str(r["retried"]))
    row("failed in deploy windows", lambda r: str(r["window_failed"]))
    row("failed per cutover, median / max",
        lambda r: f"{fmt(median([c['failed'] for c in r['per_cutover']]), 0)} / "
                  f"{fmt(fmax([c['failed'] for c in r['per_cutover']]), 0)}")
    row("error span per cutover ms, median / max",
        lambda r: f"{fmt(median([c['error_span_ms'] for c in r['per_cutover']]))} / "
                  f"{fmt(fmax([c['error_span_ms'] for c in r['per_cutover']]))}")
    row("requests in deploy windows", lambda r: str(r["window_requests"]))
    row("longest stretch without a 2xx answer ms, median / max",
        lambda r: f"{fmt(median([c['no_2xx_gap_ms'] for c in r['per_cutover']]))} / "
                  f"{fmt(fmax([c['no_2xx_gap_ms'] for c in r['per_cutover']]))}")
    row("latency in deploy windows ms, p50 / p99",
        lambda r: f"{fmt(r['window_p50_ms'], 2)} / {fmt(r['window_p99_ms'], 2)}")
    row("latency in deploy windows ms, max", lambda r: fmt(r["window_max_ms"], 1))
    row("latency whole run ms, p50 / p99 (loadgen)",
        lambda r: f"{fmt(r['run_latency_ms']['p50'], 2)} / {fmt(r['run_latency_ms']['p99'], 2)}")
    row("deploy duration s, median (min-max)",
        lambda r: f"{fmt(median([c['duration_s'] for c in r['per_cutover']]), 2)} "
                  f"({fmt(min(c['duration_s'] for c in r['per_cutover']), 2)}-"
                  f"{fmt(max(c['duration_s'] for c in r['per_cutover']), 2)})" if r["per_cutover"] else "n/a")
    row("  of which image build s, median",
        lambda r: fmt(median([c['build_s'] for c in r['per_cutover']]), 2))
    row("switch time ms (timeline), median / max",
        lambda r: f"{fmt(median([c['switch_ms'] for c in r['per_cutover']]))} / "
                  f"{fmt(fmax([c['switch_ms'] for c in r['per_cutover']]))}")
    row("old-body answers after first new-body, total",
        lambda r: str(sum(c["old_after_new"] for c in r["per_cutover"])))
    row("cutovers where the new body was never seen",
        lambda r: str(sum(1 for c in r["per_cutover"] if c["switch_ms"] is None)))

    def step(name):
        def cell(r):
            if r["method"] != "cutover":
                return "-"
            vals = [c["steps"].get(name) for c in r["per_cutover"] if c.get("steps")]
            return f"{fmt(median(vals), 0)} / {fmt(fmax(vals), 0)}"
        return cell

    row("cutover `switch` step ms, median / max", step("switch"))
    row("cutover `drain` step ms, median / max", step("drain"))
    return rows


def markdown_table(results):
    header = ["", *(TITLES[r["method"]] for r in results)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in table_rows(results):
        lines.append("| " + " | ".join(r) + " |")
    return "\n".join(lines)


def text_table(results):
    header = ["", *(TITLES[r["method"]] for r in results)]
    rows = [header, *table_rows(results)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    out = []
    for n, r in enumerate(rows):
        out.append("  ".join(c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(r)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def machine():
    mem_kib = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    docker = run(["docker", "version", "--format", "{{.Server.Version}}"], check=False).stdout.strip()
    nginx = run(["nginx", "-v"], check=False).stderr.strip().replace("nginx version: ", "")
    return (f"nproc {len(os.sched_getaffinity(0))} ({model or 'unknown CPU'}), "
            f"{mem_kib / 1024 / 1024:.1f} GiB RAM, Linux {platform.release()}, "
            f"Docker {docker}, {nginx}")


def update_readme(path, text):
    begin, end = "<!-- results:begin -->", "<!-- results:end -->"
    try:
        with open(path) as f:
            current = f.read()
    except FileNotFoundError:
        current = ""
    block = f"{begin}\n{text}\n{end}"
    if begin in current and end in current:
        current = current[:current.index(begin)] + block + current[current.index(end) + len(end):]
    else:
        current = current + ("\n" if current else "") + block + "\n"
    with open(path, "w") as f:
        f.write(current)


# --------------------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], epilog=__doc__.split("\n\n")[-1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--cutovers", type=int, default=20, help="cutovers per method (default 20)")
    p.add_argument("--methods", default=",".join(METHODS), help="comma-separated subset of " + ",".join(METHODS))
    p.add_argument("--connections", type=int, default=8, help="loadgen connections (default 8)")
    p.add_argument("--rate", type=int, default=1000, help="loadgen total requests/s, fixed (default 1000)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of load before the first cutover (default 2)")
    p.add_argument("--gap", type=float, default=1.0, help="seconds between cutovers (default 1)")
    p.add_argument("--tail", type=float, default=2.0, help="seconds of load after the last cutover (default 2)")
    p.add_argument("--json", metavar="FILE", help="also write all results, per cutover, as JSON")
    p.add_argument("--readme", metavar="FILE", help="replace the results block of this markdown file")
    p.add_argument("--keep", action="store_true", help="keep the temp dirs (timelines, logs)")
    args = p.parse_args()
    methods = [m for m in args.methods.split(",") if m]
    if args.cutovers < 1 or any(m not in METHODS for m in methods):
        p.error("--cutovers must be >= 1 and --methods a subset of " + ",".join(METHODS))
    for binary in (harness.CUTOVERD, harness.CUTOVER, harness.LOADGEN):
        if not os.access(binary, os.X_OK):
            p.error(f"{binary} is missing: build the project first (or set CUTOVER_BUILD_DIR)")
    if run(["docker", "image", "inspect", harness.BASE_IMAGE], check=False).returncode != 0:
        p.error(f"image {harness.BASE_IMAGE} is missing: tests/fixtures/make-base-image.sh builds it")

    # SIGTERM unwinds like Ctrl-C, so every finally: below cleans up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run_id = f"{random.randrange(16**6):06x}"
    command = "bench/cutover_under_load.py" + "".join(f" {a}" for a in sys.argv[1:])
    log = lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    started = now()
    log(f"run {run_id}: containers and images labelled cutover.bench={run_id} or cutover.app=bench-{run_id}")
    results = []
    broken = {}  # method: why it did not run to the end
    for kind in methods:
        log(f"{kind}: setting up")
        try:
            results.append(run_method(kind, args, run_id, log))
        except Exception as e:  # reported below and in the exit status; the other methods still run
            broken[kind] = f"{type(e).__name__}: {e}"
            log(f"{kind}: FAILED TO RUN: {broken[kind]}")
    elapsed = now() - started

    load_desc = (f"loadgen GET / through nginx, {args.connections} keep-alive connections, "
                 f"fixed total rate {args.rate} req/s, --timeout 5s")
    text = (f"Run {time.strftime('%Y-%m-%d %H:%M %Z')}, {elapsed:.0f} s in all\n"
            f"Machine: {machine()}\n"
            f"Load: {load_desc}\n"
            f"Command: {command}\n\n{text_table(results)}\n")
    for kind, why in broken.items():
        text += f"\n{kind}: FAILED TO RUN, not in the table: {why}\n"
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": command, "machine": machine(), "load": load_desc, "results": results,
                       "failed_to_run": broken}, f, indent=1)
    if args.readme and broken:
        log(f"not updating {args.readme}: {', '.join(broken)} failed to run")
    elif args.readme:
        update_readme(args.readme, "\n".join([
            f"Latest run: {time.strftime('%Y-%m-%d %H:%M %Z')}, {elapsed:.0f} s in all.",
            "",
            f"- Machine: {machine()}",
            f"- Load: {load_desc}",
            f"- Command (from the repository root): `{command}`",
            "",
            markdown_table(results),
        ]))
    if broken:
        return 2
    return 0 if all(r["failed"] == 0 for r in results if r["method"] == "cutover") else 1


if __name__ == "__main__":
    sys.exit(main())
