#!/usr/bin/env python3
"""Webhook intake: signed requests per second that cutoverd's listener
answers on POST /hooks/<app> while a deployment runs, and their latency, per
kind of request, next to the same listener idle and to its trivial
GET /healthz.

One cutoverd with one app behind a private nginx (the integration harness).
build/bench/hookload sends the load: closed loop, N connections, one request
per connection (the listener closes after every answer), from many loopback
source addresses (all of 127.0.0.0/8 is loopback), with a mix of

  valid       GitHub push to the app's branch, fresh delivery id: 202, queues
              a deployment (newest wins: it supersedes the waiting one)
  redelivery  the same push under a delivery id answered 202 before: 200
  other       a push to another branch: 200, ignored
  badsig      the push body signed with the wrong key: 401
  healthz     GET /healthz: 200 (the listener's floor: no body, no signature)

Bodies are the real github-push.json fixture (about 7.6 KB) with the test
repo's commit; every one is verified (HMAC-SHA256) and parsed by cutoverd.

"While a deployment runs": a signed push starts a deployment of a commit
whose container fails /up (FAIL_HEALTH=1) until the bench POSTs /recover to
it, so the deployment sits in its health step for exactly as long as the
load runs, then goes live.

Runs, each --duration long:
  1  idle        GET /healthz                     rate limit off
  2  idle        redelivery + other + badsig      rate limit off
  3  deploying   GET /healthz                     rate limit off
  4  deploying   redelivery + other + badsig      rate limit off
  5  deploying   all four webhook kinds           rate limit off   (the raw ceiling)
  6  deploying   valid pushes only                rate limit off   (the state database's share)
  7  deploying   all four webhook kinds           default limit (5/s, burst 20 per source)
  8  deploying   all four, from 30000 sources     default limit    (the limiter holding many sources)
  9  deploying   all four, from 253 sources only  default limit    (what the limit lets through)
Valid pushes are left out of the idle runs: on an idle daemon each one
starts a deployment, so the run would not be idle any more.

Every request is a new TCP connection, and on a host where Docker's
iptables rules load connection tracking, each one stays in the kernel's
conntrack table for 120 s after it closes; a full table drops new
connections of every process on the host. So before each run the bench
waits until the table is at most half full with the run's connections
added, and counts the table's drops during each run.

Run from the repository root after a build:
  bench/webhook_intake.py                         # about 5 minutes, most of it waiting for conntrack
  bench/webhook_intake.py --readme bench/README.md --json /tmp/intake.json
Needs dockerd, nginx, git and the image cutover-test-base:latest (never
pulled). Everything it creates is removed at the end, also on error, Ctrl-C
or SIGTERM. Exit status 1 if any request got an answer other than the one
SPEC promises (429 excepted) or none at all.
"""
import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
os.environ.setdefault("CUTOVER_SOURCE_DIR", SOURCE_DIR)
os.environ.setdefault("CUTOVER_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "integration"))
sys.path.insert(0, HERE)
import harness  # noqa: E402
from cutover_under_load import machine  # noqa: E402

HOOKLOAD = os.path.join(harness.BUILD, "bench", "hookload")
SECRET_ENV = "CUTOVER_BENCH_INTAKE_SECRET"
FIXTURES = os.environ.get("CUTOVER_SHARED_DIR", os.path.join(SOURCE_DIR, "..", "shared"))
BEGIN, END = "<!-- webhook-intake:begin -->", "<!-- webhook-intake:end -->"
KINDS = ("valid", "redelivery", "other", "badsig", "healthz")
NO_VALID = "redelivery=1,other=1,badsig=1"
ALL = "valid=1,redelivery=1,other=1,badsig=1"


def log(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- CPU accounting
def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


CONNTRACK_COUNT = "/proc/sys/net/netfilter/nf_conntrack_count"
CONNTRACK_MAX = "/proc/sys/net/netfilter/nf_conntrack_max"
CONNTRACK_STAT = "/proc/net/stat/nf_conntrack"


def read_int(path):
    with open(path) as f:
        return int(f.read())


def conntrack_drops():
    """Packets the conntrack table dropped since boot (all CPUs); 0 without conntrack."""
    try:
        with open(CONNTRACK_STAT) as f:
            header, *rows = [line.split() for line in f]
    except FileNotFoundError:
        return 0
    columns = [header.index("drop"), header.index("early_drop")]
    return sum(int(row[c], 16) for row in rows for c in columns)


def wait_for_conntrack_room(connections, timeout=200):
    """Waits until `connections` more entries leave the conntrack table at most half full."""
    if not os.path.exists(CONNTRACK_COUNT):
        return
    limit = read_int(CONNTRACK_MAX) // 2
    deadline = time.monotonic() + timeout
    if read_int(CONNTRACK_COUNT) + connections > limit:
        log(f"waiting for room in the conntrack table ({read_int(CONNTRACK_COUNT)} entries, "
            f"{connections} to come, at most {limit})")
    while read_int(CONNTRACK_COUNT) + connections > limit:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the conntrack table stayed over {limit - connections} entries for {timeout} s; "
                               "something else on the host opens many connections")
        time.sleep(2)


def machine_busy_seconds():
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- the world
class Bench:
    def __init__(self, args):
        self.args = args
        self.secret = f"intake-{random.randrange(16**12):012x}"
        os.environ[SECRET_ENV] = self.secret
        self.env = harness.Env(
            "webhook-intake", drain_timeout="5s",
            health="{path: /up, interval: 200ms, timeout: 1s, deploy_timeout: 300s}",
            app_extra=f"    webhook: {{provider: github, secret_env: {SECRET_ENV}}}\n")
        self.bodies = os.path.join(self.env.root, "bodies")
        os.makedirs(self.bodies)
        self.run_id = f"{random.randrange(16**6):06x}"
        self.seed_delivery = None
        self.holds = 0

    def configure(self, webhook_rate):
        """Rewrites the daemon section: log level info (production's), and the rate limit."""
        with open(self.env.config_path) as f:
            text = f.read()
        text = re.sub(r"  webhook_rate: .*\n", "", text).replace("  log_level: debug\n", "  log_level: info\n")
        if webhook_rate:
            text = text.replace("  log_format:", f"  webhook_rate: {webhook_rate}\n  log_format:", 1)
        with open(self.env.config_path, "w") as f:
            f.write(text)

    def push_body(self, sha, ref="refs/heads/main"):
        with open(os.path.join(FIXTURES, "fixtures", "webhooks", "github-push.json")) as f:
            payload = json.load(f)
        payload["ref"], payload["after"] = ref, sha
        return json.dumps(payload).encode()

    def post_push(self, sha, delivery):
        import hashlib
        import hmac
        body = self.push_body(sha)
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.env.hook_port}/hooks/{self.env.app}", data=body, method="POST",
            headers={"X-GitHub-Event": "push", "X-GitHub-Delivery": delivery, "Content-Type": "application/json",
                     "X-Hub-Signature-256": "sha256=" + hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()})
        with urllib.request.urlopen(request, timeout=30) as answer:
            reply = json.loads(answer.read())
            if answer.status != 202:
                raise RuntimeError(f"push {delivery} answered {answer.status}: {reply}")
            return reply["deployment"]

    def deployment(self, deployment_id):
        return self.env.api("GET", f"/v1/deployments/{deployment_id}")[1]["deployment"]

    def all_deployments(self):
        return self.env.api("GET", f"/v1/apps/{self.env.app}/deployments?limit=100000000")[1]["deployments"]

    def wait_idle(self, timeout=180):
        harness.wait_for(lambda: not any(d["state"] in ("queued", "running") for d in self.all_deployments()),
                         timeout, "every deployment to end")

    def start(self):
        env = self.env
        self.configure("{per_second: 0}")
        env.daemon.start()
        self.v0 = env.repo.commit_version("v0")
        self.seed_delivery = f"seed-{self.run_id}"
        first = self.post_push(self.v0, self.seed_delivery)  # also the id every redelivery reuses
        self.wait_idle()
        if self.deployment(first)["state"] != "succeeded":
            raise RuntimeError(f"the first deployment failed:\n{env.daemon.log()[-3000:]}")
        # Valid pushes of the load name this commit: after the held deployment, it deploys once.
        self.next_sha = env.repo.commit_version("v1")
        with open(os.path.join(self.bodies, "push.json"), "wb") as f:
            self.body_bytes = f.write(self.push_body(self.next_sha))
        with open(os.path.join(self.bodies, "other.json"), "wb") as f:
            f.write(self.push_body(self.next_sha, ref="refs/heads/feature"))

    def restart(self, webhook_rate):
        self.wait_idle()
        self.env.daemon.stop()
        self.configure(webhook_rate)
        self.env.daemon.start()

    # ----------------------------------------------------------------------- a deployment held in health
    def hold(self):
        """Starts a deployment (signed push) that stays in its health step until release()."""
        self.holds += 1
        sha = self.env.repo.commit_version(f"hold{self.holds}", env={"FAIL_HEALTH": "1"})
        self.held = self.post_push(sha, f"hold-{self.run_id}-{self.holds}")

        def in_health():
            d = self.deployment(self.held)
            if d["state"] not in ("queued", "running"):
                raise RuntimeError(f"the held deployment ended early: {d}")
            return d["phase"] == "health" and d["release"]
        release = harness.wait_for(in_health, 120, "the held deployment to reach its health step")
        number = release.rsplit("@", 1)[1]
        ports = harness.run(["docker", "ps", "--filter", f"label=cutover.app={self.env.app}",
                             "--filter", f"label=cutover.release={number}", "--format", "{{.Ports}}"]).stdout
        self.held_port = int(re.search(r"127\.0\.0\.1:(\d+)->", ports).group(1))
        log(f"deployment {self.held} ({release}) is in its health step")

    def still_held(self):
        d = self.deployment(self.held)
        return d["state"] == "running" and d["phase"] == "health"

    def release(self):
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{self.held_port}/recover", method="POST"),
                               timeout=10).read()
        harness.wait_for(lambda: self.deployment(self.held)["state"] != "running", 120, "the held deployment to end")
        state = self.deployment(self.held)["state"]
        if state != "succeeded":
            raise RuntimeError(f"the held deployment {self.held} ended {state}")

    # ----------------------------------------------------------------------- one load run
    def load(self, name, state, limit, mix, sources):
        args = self.args
        # About what a run opens: /healthz answers up to ~15,000/s here, webhooks ~5,000/s.
        wait_for_conntrack_room((15000 if mix == "healthz=1" else 6000) * args.duration)
        drops_before = conntrack_drops()
        out = os.path.join(self.env.root, f"{name}.json")
        argv = [HOOKLOAD, "--url", f"http://127.0.0.1:{self.env.hook_port}", "--app", self.env.app,
                "--secret-env", SECRET_ENV, "--push-body", os.path.join(self.bodies, "push.json"),
                "--other-body", os.path.join(self.bodies, "other.json"), "--redeliver", self.seed_delivery,
                "--run-id", f"{self.run_id}-{name}", "--mix", mix, "--connections", str(args.connections),
                "--sources", str(sources), "--duration", f"{args.duration}s", "--keepalive", "on", "--out", out]
        daemon_pid = self.env.daemon.proc.pid
        daemon_before, busy_before, started = cpu_seconds(daemon_pid), machine_busy_seconds(), time.monotonic()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.monotonic() - started
        daemon_cpu = cpu_seconds(daemon_pid) - daemon_before
        client_cpu = usage.ru_utime + usage.ru_stime
        others = machine_busy_seconds() - busy_before - daemon_cpu - client_cpu
        if proc.returncode == 2 or not os.path.exists(out):
            raise RuntimeError(f"hookload failed: {proc.stderr.read().decode()}")
        with open(out) as f:
            report = json.load(f)
        answered = report["total"]["requests"] - report["total"]["failed"]
        report.update(name=name, state=state, limit=limit, mix=mix, ok=proc.returncode == 0,
                      daemon_us_per_answer=1e6 * daemon_cpu / answered if answered else 0,
                      conntrack_drops=conntrack_drops() - drops_before,
                      cpu={"daemon": daemon_cpu / wall, "hookload": client_cpu / wall, "others": max(others, 0) / wall})
        total = report["total"]
        log(f"{name}: {total['answered_per_s']:.0f} answered/s, {total['expected_per_s']:.0f} as expected/s, "
            f"{total['limited']} x 429, {total['unexpected']} unexpected, {total['failed']} failed; "
            f"CPU daemon {100 * daemon_cpu / wall:.0f}%, hookload {100 * client_cpu / wall:.0f}%, "
            f"others {100 * max(others, 0) / wall:.0f}%"
            + (f"; conntrack dropped {report['conntrack_drops']} packets" if report["conntrack_drops"] else ""))
        return report


# --------------------------------------------------------------------------- reporting
def ms(kind, key):
    return f"{kind['latency_ms'][key]:.2f}"


def summary_table(runs):
    head = ("| run | daemon | rate limit | sources | kinds | answered req/s | of which 429 | p50 / p99 ms | "
            "cutoverd CPU µs per answer | CPU % cutoverd / hookload / others | connections per request | "
            "wrong or no answer |")
    lines = [head, "|---" * (head.count("|") - 1) + "|"]
    for r in runs:
        t = r["total"]
        kinds = " + ".join(k for k in KINDS if k in r["kinds"])
        cpu = r["cpu"]
        limited = f"{t['limited'] / r['duration_s']:.0f}" if t["limited"] else "0"
        lines.append(
            f"| {r['name']} | {r['state']} | {r['limit']} | {r['sources']} | {kinds} | "
            f"**{t['answered_per_s']:.0f}** | {limited} | {ms(t, 'p50')} / {ms(t, 'p99')} | "
            f"{r['daemon_us_per_answer']:.0f} | "
            f"{100 * cpu['daemon']:.0f} / {100 * cpu['hookload']:.0f} / {100 * cpu['others']:.0f} | "
            f"{r['connections_opened'] / max(t['requests'], 1):.2f} | {t['unexpected'] + t['failed']}"
            f"{' (conntrack drops %d)' % r['conntrack_drops'] if r['conntrack_drops'] else ''} |")
    return "\n".join(lines)


def kinds_table(runs):
    shown = [r for r in runs if "healthz" not in r["kinds"]]
    head = "| kind: req/s, p50 / p99 ms | " + " | ".join(r["name"] for r in shown) + " |"
    lines = [head, "|---" * (len(shown) + 1) + "|"]
    for kind in KINDS:
        cells = []
        for r in shown:
            k = r["kinds"].get(kind)
            cells.append("-" if not k else
                         f"{k['expected_per_s']:.0f}, {ms(k, 'p50')} / {ms(k, 'p99')}"
                         + (f" ({k['limited']} x 429)" if k["limited"] else ""))
        if any(c != "-" for c in cells):
            lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update_readme(path, text):
    with open(path) as f:
        current = f.read()
    if BEGIN not in current or END not in current:
        raise RuntimeError(f"{path} has no {BEGIN} ... {END} block to replace")
    current = current[:current.index(BEGIN)] + f"{BEGIN}\n{text}\n{END}" + current[current.index(END) + len(END):]
    with open(path, "w") as f:
        f.write(current)


# --------------------------------------------------------------------------- main
def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--duration", type=int, default=5, help="seconds per run (default 5, at most 8)")
    p.add_argument("--connections", type=int, default=8, help="hookload connections, closed loop (default 8)")
    p.add_argument("--sources", type=int, default=4000,
                   help="source addresses for the ceiling runs (default 4000: 127.0.0.1 and up)")
    p.add_argument("--json", metavar="FILE", help="also write every run's hookload summary as JSON")
    p.add_argument("--readme", metavar="FILE", help=f"replace the {BEGIN} block of this markdown file")
    args = p.parse_args()
    if not 1 <= args.duration <= 8:
        p.error("--duration must be 1-8 (the conntrack table must hold a run's connections)")
    for binary in (harness.CUTOVERD, harness.CUTOVER, HOOKLOAD):
        if not os.access(binary, os.X_OK):
            p.error(f"{binary} is missing: build the project first (or set CUTOVER_BUILD_DIR)")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    command = "bench/webhook_intake.py" + "".join(f" {a}" for a in sys.argv[1:])
    started = time.monotonic()
    bench = Bench(args)
    runs = []
    try:
        log("setting up: nginx, cutoverd (rate limit off), first deployment")
        bench.start()
        runs.append(bench.load("1", "idle", "off", "healthz=1", args.sources))
        runs.append(bench.load("2", "idle", "off", NO_VALID, args.sources))
        bench.hold()
        runs.append(bench.load("3", "deploying", "off", "healthz=1", args.sources))
        runs.append(bench.load("4", "deploying", "off", NO_VALID, args.sources))
        runs.append(bench.load("5", "deploying", "off", ALL, args.sources))
        runs.append(bench.load("6", "deploying", "off", "valid=1", args.sources))
        if not bench.still_held():
            raise RuntimeError("the held deployment left its health step during the load")
        bench.release()
        log("restarting cutoverd with the default rate limit")
        bench.restart("")
        bench.hold()
        runs.append(bench.load("7", "deploying", "5/s, burst 20", ALL, args.sources))
        # Many sources first: the 253 then start with full buckets (the same addresses come first).
        runs.append(bench.load("8", "deploying", "5/s, burst 20", ALL, 30000))
        runs.append(bench.load("9", "deploying", "5/s, burst 20", ALL, 253))
        if not bench.still_held():
            raise RuntimeError("the held deployment left its health step during the load")
        bench.release()
        bench.wait_idle()
        states = [d["state"] for d in bench.all_deployments()]
        live = bench.env.status()["live"]["sha"]
    finally:
        bench.env.cleanup()
    elapsed = time.monotonic() - started
    valid = sum(r["kinds"].get("valid", {}).get("expected", 0) for r in runs)
    facts = (f"Deployments: {valid} valid pushes were answered 202; of all {len(states)} deployments recorded, "
             f"{states.count('succeeded')} ran and succeeded, {states.count('superseded')} were superseded while "
             f"waiting, {len(states) - states.count('succeeded') - states.count('superseded')} other; the commit "
             f"the pushes named is {'live' if live == bench.next_sha else 'NOT live'} at the end.")
    load_desc = (f"hookload, {args.connections} connections, closed loop, keep-alive asked for (the listener "
                 f"closes after every answer), {args.duration} s per run; push bodies "
                 f"{bench.body_bytes} bytes")
    text = "\n".join([
        f"Latest run: {time.strftime('%Y-%m-%d %H:%M %Z')}, {elapsed:.0f} s in all.",
        "",
        f"- Machine: {machine()}; load average at the end {os.getloadavg()[0]:.1f}",
        f"- Load: {load_desc}",
        f"- Command (from the repository root): `{command}`",
        f"- {facts}",
        "",
        summary_table(runs),
        "",
        "Per kind (requests answered as expected per second, latency of those):",
        "",
        kinds_table(runs),
    ])
    print("\n" + text)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"command": command, "machine": machine(), "runs": runs}, f, indent=1)
    if args.readme:
        update_readme(args.readme, text)
    return 0 if all(r["ok"] and not r["conntrack_drops"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
