#!/usr/bin/env python3
"""Push to live on a remote host next to the same on this machine, in one run.

Two daemons, each with one app built from the same kind of repo: "local"
runs its app here; "remote" runs it on a test host (a network and mount
namespace with its own sshd, dockerd and nginx, tests/integration/testhost.py)
reached over SSH at 10.231.N.2. Pushes alternate between the two (a signed
webhook, a one-line change, warm build cache), so both see the same machine
load. For each: the median total (webhook sent → first answer of the new
version through the app's nginx) and of each step, and the SSH overhead per
step (remote − local). The ship step (image streamed from this machine's
Engine into the host's through SSH) is remote only; its bytes are printed.

Run as root from the repository root after a build:
  bench/remote_push_to_live.py [--pushes 10]
Needs dockerd, nginx, sshd, git and cutover-test-base:latest (never pulled).
Everything it creates is removed at the end.
"""
import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time

import push_to_live
from push_to_live import REMOTE_STEPS, harness

sys.path.insert(0, os.path.join(push_to_live.SOURCE_DIR, "tests", "integration"))
from testhost import TestHost, run_app_on  # noqa: E402

HOOK = "    webhook: {provider: github, secret_env: CUTOVER_BENCH_HOOK_SECRET}\n"
HEALTH = "{path: /up, interval: 50ms, timeout: 1s, deploy_timeout: 30s}"


def remote_env(root, host):
    env = harness.Env("remote-push", drain_timeout="5s", health=HEALTH, app_extra=HOOK + "    hosts: [bench-1]\n")
    run_app_on(env, host, "bench-1", root)
    return env


def shipped_bytes(env, deployment):
    for event in env.events(deployment):
        if event.get("step") == "ship" and event.get("kind") == "end":
            found = re.search(r"([0-9.]+) MB sent", event.get("message", ""))
            return float(found.group(1)) if found else 0.0
    return 0.0


def push(env, i, name):
    # Versions differ between the two apps, so neither build is a cache hit of the other's.
    result = push_to_live.one_push(env, i if name == "local" else 1000 + i)
    print(f"{name} push {i}: " + ", ".join(f"{k} {v:.0f}ms" for k, v in result.items()), flush=True)
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=10)
    args = parser.parse_args()
    os.environ["CUTOVER_BENCH_HOOK_SECRET"] = push_to_live.SECRET
    root = tempfile.mkdtemp(prefix="cutover-bench-remote-")
    host = TestHost(root, f"b{random.randrange(16**4):04x}", random.randrange(1, 250))
    envs = {}
    runs = {"local": [], "remote": []}
    megabytes = []
    try:
        envs["local"] = harness.Env("local-push", drain_timeout="5s", health=HEALTH, app_extra=HOOK)
        envs["remote"] = remote_env(root, host)
        for name, env in envs.items():
            env.daemon.start()
            env.repo.commit_version("p0")
            env.deploy()  # warms the build cache, ships the base layers, makes p0 live
        for i in range(1, args.pushes + 1):
            for name, env in envs.items():
                runs[name].append(push(env, i, name))
                time.sleep(0.5)
            deployments = envs["remote"].deployments()
            megabytes.append(shipped_bytes(envs["remote"], deployments[0]["id"]))
    finally:
        for env in envs.values():
            env.cleanup()
        host.close()
    keys = ["total", *REMOTE_STEPS, "daemon"]
    print(f"\nmedian of {args.pushes} pushes each (ms):")
    print(f"{'':8}" + "".join(f"{k:>9}" for k in keys))
    medians = {name: {k: statistics.median(r.get(k, 0) for r in rs) for k in keys} for name, rs in runs.items()}
    for name in ("local", "remote"):
        print(f"{name:8}" + "".join(f"{medians[name][k]:>9.0f}" for k in keys))
    print(f"{'ssh +':8}" + "".join(f"{medians['remote'][k] - medians['local'][k]:>9.0f}" for k in keys))
    print(f"\nship: median {statistics.median(megabytes):.1f} MB per push "
          f"(docker save of the whole image: the host's layers are not asked for)")


if __name__ == "__main__":
    main()
