#!/usr/bin/env python3
"""Wake latency: from the first request to a sleeping environment to the
first answer of its app, for the test app (one replica) asleep with its
containers kept. Median of N wakes (default 10), split as cutoverd records
the wake (`cutover env show --json`, last_wake):

  served        first request sent (it gets the waiting page and starts the
                wake) → first 200 from the app through nginx, polled every 2 ms
  total         cutoverd's clock: that request's arrival → the wake recorded
                (the nginx switch's confirmation included)
  start         docker: the kept container started
  health        the app: until /up answered 200 (probed every 50 ms)
  switch        nginx: render, nginx -t, reload, confirm (the marker answers
                and the old workers stopped accepting, nginx's 100 ms floor)
  daemon share  total - start - health - switch: what cutover itself adds
                (the wake page, the reconciler pass, bookkeeping)

The environment goes back to sleep between wakes by idle_sleep (1 s).
Run from the repository root after a build:  bench/wake_latency.py [--wakes 10]
Needs dockerd, nginx, git and the image cutover-test-base:latest (never pulled).
Everything it creates is removed at the end.
"""
import argparse
import http.client
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
os.environ.setdefault("CUTOVER_SOURCE_DIR", SOURCE_DIR)
os.environ.setdefault("CUTOVER_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "integration"))
import harness  # noqa: E402

# The last firing before any date of the year but 1 January is the sleep.
ENVIRONMENT = """\
environments:
  dev:
    apps: [{app}]
    wake: "0 0 1 1 *"
    sleep: "0 0 2 1 *"
    on_request: wake
    idle_sleep: 1s
"""


def get(env):
    conn = http.client.HTTPConnection("127.0.0.1", env.listen_port, timeout=5)
    try:
        conn.request("GET", "/", headers={"Host": "app.test"})
        response = conn.getresponse()
        return response.status, response.read().decode().strip()
    finally:
        conn.close()


def state(env):
    return env.cli_json("env", "show", "dev")["environment"]


def one_wake(env):
    harness.wait_for(lambda: state(env)["state"] == "asleep", 60, "the environment to sleep")
    sent = time.monotonic()
    status, _ = get(env)
    if status != 503:
        raise RuntimeError(f"a sleeping environment answered {status}")
    while True:
        try:
            status, body = get(env)
        except (OSError, http.client.HTTPException):
            status = 0
        if status == 200:
            break
        if time.monotonic() - sent > 60:
            raise RuntimeError("the app was not served within 60s")
        time.sleep(0.002)
    total_ms = (time.monotonic() - sent) * 1000
    wake = harness.wait_for(lambda: (lambda s: s if s["state"] == "awake" else None)(state(env)), 30,
                            "the wake to be recorded")["last_wake"]
    steps = {"start": wake["start_ms"], "health": wake["health_ms"], "switch": wake["switch_ms"]}
    return {"served": total_ms, "total": wake["total_ms"], **steps, "daemon": wake["total_ms"] - sum(steps.values())}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wakes", type=int, default=10)
    args = parser.parse_args()
    env = harness.Env("wake-latency", drain_timeout="5s",
                      health="{path: /up, interval: 50ms, timeout: 1s, deploy_timeout: 30s}")
    with open(env.config_path, "a") as f:
        f.write(ENVIRONMENT.format(app=env.app))
    runs = []
    try:
        env.daemon.start()
        env.repo.commit_version("v1")
        env.deploy()  # kept ready while asleep
        get(env)      # the first wake makes it live through a deployment; not measured
        harness.wait_for(lambda: get(env)[0] == 200, 60, "the first wake")
        for i in range(1, args.wakes + 1):
            runs.append(one_wake(env))
            print(f"wake {i}: " + ", ".join(f"{k} {v:.0f}ms" for k, v in runs[-1].items()), flush=True)
    finally:
        env.cleanup()
    keys = ["served", "total", "start", "health", "switch", "daemon"]
    print(f"\nmedian of {len(runs)} wakes (ms):")
    print(" | ".join(f"{k} {statistics.median(r[k] for r in runs):.0f}" for k in keys))
    print("max:            " + " | ".join(f"{k} {max(r[k] for r in runs):.0f}" for k in keys))
    print("target: daemon share <= 100 ms")


if __name__ == "__main__":
    main()
