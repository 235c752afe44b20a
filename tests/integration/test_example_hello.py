"""The README's main command, examples/hello/run, deploys the hello app from
this repository and serves it through nginx (run with --once so it stops)."""
import os
import subprocess
import unittest

from harness import BUILD, SOURCE


class ExampleHello(unittest.TestCase):
    def test_run_once(self):
        env = dict(os.environ, CUTOVER_BUILD_DIR=BUILD, CUTOVER_SKIP_BUILD="1")
        proc = subprocess.run([os.path.join(SOURCE, "examples", "hello", "run"), "--once"], env=env,
                              capture_output=True, text=True, timeout=600)
        self.assertEqual(proc.returncode, 0, proc.stdout[-4000:] + proc.stderr[-4000:])
        self.assertIn("hello is live at http://127.0.0.1:8080/  (it answers: hello from cutover)", proc.stdout)
        self.assertIn("ok     switch", proc.stdout)
        left = subprocess.run(["docker", "ps", "-aq", "--filter", "label=cutover.app=hello"],
                              capture_output=True, text=True).stdout.split()
        self.assertEqual(left, [], "the example must stop what it started")


if __name__ == "__main__":
    unittest.main()
