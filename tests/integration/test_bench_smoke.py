"""bench/cutover_under_load.py still runs: one cutover per method under a short
load. The baselines render their nginx files from templates/nginx/ the way
cutoverd does, so a template change that breaks them fails here, not at the
next full bench run."""
import os
import re
import signal
import subprocess
import sys
import unittest

from harness import BUILD, SOURCE, ensure_base_image, run

BENCH = os.path.join(SOURCE, "bench", "cutover_under_load.py")
TITLES = ["cutover", "recreate (compose-like)", "script blue/green"]
# About 35 s here; the limit leaves room for a slow machine, under ctest's 900 s.
LIMIT_S = 240


def parse_table(stdout):
    """The bench's text table: {row label: {method title: cell}}."""
    lines = stdout.splitlines()
    for n, line in enumerate(lines[:-1]):
        if re.fullmatch(r"-+(  -+)+", lines[n + 1]):
            titles = re.split(r"\s{2,}", line.strip())
            rows = {}
            for row in lines[n + 2:]:
                if not row.strip():
                    break
                label, *cells = re.split(r"\s{2,}", row.strip())
                rows[label] = dict(zip(titles, cells))
            return titles, rows
    raise AssertionError("no table in the bench's output:\n" + stdout[-4000:])


class BenchSmoke(unittest.TestCase):
    def test_one_cutover_per_method(self):
        ensure_base_image()
        env = dict(os.environ, CUTOVER_BUILD_DIR=BUILD, CUTOVER_SOURCE_DIR=SOURCE)
        proc = subprocess.Popen([sys.executable, BENCH, "--cutovers", "1", "--rate", "200",
                                 "--warmup", "1", "--gap", "0", "--tail", "1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        try:
            out, err = proc.communicate(timeout=LIMIT_S)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGTERM)  # the bench removes what it made on SIGTERM
            out, err = proc.communicate(timeout=120)
            self.fail(f"the bench ran longer than {LIMIT_S}s:\n{err[-4000:]}")
        self.assertEqual(proc.returncode, 0, out[-6000:] + err[-6000:])

        titles, rows = parse_table(out)
        self.assertEqual(titles, TITLES, out)
        for title in TITLES:
            self.assertEqual(rows["cutovers done"].get(title), "1", out)
            self.assertGreater(int(rows["requests (whole run)"][title]), 0, out)
        self.assertEqual(rows["failed requests (whole run)"]["cutover"], "0", out)
        self.assertEqual(rows["failed in deploy windows"]["cutover"], "0", out)
        self.assertNotIn("FAILED TO RUN", out + err)

        run_id = re.search(r"\] run ([0-9a-f]{6}):", err)
        self.assertIsNotNone(run_id, err[-4000:])
        for label in (f"cutover.bench={run_id[1]}", f"cutover.app=bench-{run_id[1]}"):
            for kind in ("ps", "images"):
                left = run(["docker", kind, "-aq", "--filter", f"label={label}"], check=False).stdout.split()
                self.assertEqual(left, [], f"the bench left docker {kind} labelled {label}")


if __name__ == "__main__":
    unittest.main()
