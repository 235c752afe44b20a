#!/usr/bin/env python3
"""Push to live: from a signed push webhook to the first response served by
the new release, for a one-line change of the test app with a warm build
cache. Median of N pushes (default 10), split into cutover's steps, and the
daemon's own share.

  total         webhook POST sent → first answer of the new version through nginx
  fetch         cutover's `resolve` step (git fetch into the mirror, resolve)
  build         `build` step (docker build; cache warm, only the last layers change)
  start         `start` step (ports, docker create + start)
  health        `health` step (the app starting up until /up answers 200)
  switch        `switch` step (render, nginx -t, reload, confirm: old workers stopped accepting)
  daemon share  total - build - start - health: what cutover itself adds
                (webhook intake, queueing, fetch, switch, bookkeeping)

Baseline for the build step: after each push, the same kind of one-line
change is committed again and built with a plain `docker build` of the same
commit's files (`git archive HEAD | docker build -`, the classic builder,
as cutover uses), timed from the command's start to its exit. The summary
prints cutover's build step and `docker build` side by side, with the ratio.

Run from the repository root after a build:  bench/push_to_live.py [--pushes 10]
Needs dockerd, nginx, git and the image cutover-test-base:latest (never pulled).
Everything it creates is removed at the end.
"""
import argparse
import hashlib
import hmac
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(HERE)
os.environ.setdefault("CUTOVER_SOURCE_DIR", SOURCE_DIR)
os.environ.setdefault("CUTOVER_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "integration"))
import harness  # noqa: E402

SECRET = "push-to-live-bench-secret"
STEPS = ("resolve", "build", "start", "health", "switch")
# ship: an app on a remote host only (bench/remote_push_to_live.py).
REMOTE_STEPS = ("resolve", "build", "ship", "start", "health", "switch")


def signed_push(sha):
    body = json.dumps({"ref": "refs/heads/main", "after": sha, "deleted": False,
                       "repository": {"clone_url": "file:///bench"}}).encode()
    headers = {"X-GitHub-Event": "push", "X-GitHub-Delivery": str(uuid.uuid4()), "Content-Type": "application/json",
               "X-Hub-Signature-256": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()}
    return body, headers


def first_answer_of(env, version, deadline_s=120):
    """Polls nginx every 2 ms; returns the monotonic time of the first answer with `version`."""
    deadline = time.monotonic() + deadline_s
    conn = None
    while time.monotonic() < deadline:
        try:
            conn = conn or http.client.HTTPConnection(env.address, env.listen_port, timeout=5)
            conn.request("GET", "/", headers={"Host": "app.test"})
            body = conn.getresponse().read().decode().strip()
            if body == version:
                return time.monotonic()
        except (OSError, http.client.HTTPException):
            conn = None
        time.sleep(0.002)
    raise RuntimeError(f"{version} was not served within {deadline_s}s")


def step_durations(env, deployment):
    steps = {}
    for event in env.events(deployment):
        if event.get("kind") == "end" and event.get("step") in REMOTE_STEPS:
            steps[event["step"]] = event["duration_ms"]
    return steps


def one_push(env, i):
    version = f"p{i}"
    sha = env.repo.commit_version(version)
    body, headers = signed_push(sha)
    result = {}
    waiter = threading.Thread(target=lambda: result.setdefault("live", first_answer_of(env, version)))
    waiter.start()
    sent = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", env.hook_port, timeout=30)
    conn.request("POST", f"/hooks/{env.app}", body=body, headers=headers)
    answer = conn.getresponse()
    reply = json.loads(answer.read())
    if answer.status != 202:
        raise RuntimeError(f"webhook answered {answer.status}: {reply}")
    waiter.join()
    total_ms = (result["live"] - sent) * 1000
    deployment = reply["deployment"]
    harness.wait_for(lambda: env.api("GET", f"/v1/deployments/{deployment}")[1]["deployment"]["state"]
                     not in ("queued", "running"), 120, "the deployment to end")
    steps = step_durations(env, deployment)
    daemon = total_ms - steps.get("build", 0) - steps.get("start", 0) - steps.get("health", 0)
    return {"total": total_ms, **steps, "daemon": daemon}


def docker_build_baseline(env, i):
    """A plain `docker build` of a one-line change like the pushes'; ms."""
    env.repo.commit_version(f"b{i}")
    tag = f"cutover-bench/plain-build:{i}"
    archive = subprocess.Popen(["git", "-C", env.repo.path, "archive", "HEAD"], stdout=subprocess.PIPE)
    started = time.monotonic()
    built = subprocess.run(["docker", "build", "-q", "-t", tag, "-"], stdin=archive.stdout,
                           capture_output=True, text=True, env={**os.environ, "DOCKER_BUILDKIT": "0"})
    took = (time.monotonic() - started) * 1000
    archive.wait()
    if built.returncode != 0:
        raise RuntimeError(f"docker build failed: {built.stderr}")
    subprocess.run(["docker", "rmi", "-f", tag], capture_output=True)
    return took


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pushes", type=int, default=10)
    args = parser.parse_args()
    os.environ["CUTOVER_BENCH_HOOK_SECRET"] = SECRET
    env = harness.Env("push-to-live", drain_timeout="5s",
                      health="{path: /up, interval: 50ms, timeout: 1s, deploy_timeout: 30s}",
                      app_extra="    webhook: {provider: github, secret_env: CUTOVER_BENCH_HOOK_SECRET}\n")
    try:
        env.daemon.start()
        env.repo.commit_version("p0")
        env.deploy()  # warms the build cache and makes p0 live
        runs, plain = [], []
        for i in range(1, args.pushes + 1):
            runs.append(one_push(env, i))
            print(f"push {i}: " + ", ".join(f"{k} {v:.0f}ms" for k, v in runs[-1].items()), flush=True)
            time.sleep(0.5)
            plain.append(docker_build_baseline(env, i))
            print(f"plain docker build {i}: {plain[-1]:.0f}ms", flush=True)
            time.sleep(0.5)
    finally:
        env.cleanup()
    keys = ["total", *STEPS, "daemon"]
    print(f"\nmedian of {len(runs)} pushes (ms):")
    print(" | ".join(f"{k} {statistics.median(r.get(k, 0) for r in runs):.0f}" for k in keys))
    print("max:           " + " | ".join(f"{k} {max(r.get(k, 0) for r in runs):.0f}" for k in keys))
    ours, theirs = statistics.median(r.get("build", 0) for r in runs), statistics.median(plain)
    print(f"\nbuild step, median: cutover {ours:.0f}ms | plain docker build {theirs:.0f}ms | "
          f"ratio {ours / theirs:.2f}")


if __name__ == "__main__":
    main()
