"""examples/media-ports: an app beside a media-server-like accessory that
publishes a TCP port and a UDP range, planned without conflicts."""
import os
import unittest

from example_env import ExampleEnv
from harness import CUTOVER, SOURCE, run, wait_for

HOST = "meet.localhost"


class MediaPorts(unittest.TestCase):
    def setUp(self):
        # The test's own ports: 8443 and the UDP range may be taken on a test host.
        self.env = ExampleEnv("media-ports", overrides=[("8443", "18443"),
                                                        ("40000-40019/udp", "41000-41019/udp")])
        self.addCleanup(self.env.cleanup)

    def test_ports_planned_published_and_deployed_under_load(self):
        env = self.env
        example = os.path.join(SOURCE, "examples", "media-ports", "cutover.yml")
        self.assertEqual(run([CUTOVER, "config", "check", example]).returncode, 0)
        clash = os.path.join(env.repo.path, "examples", "media-ports", "clash.yml")
        with open(example) as f:
            text = f.read()
        with open(clash, "w") as f:
            f.write(text.replace("port: 8443", "port: 20550"))
        refused = run([CUTOVER, "config", "check", clash], check=False)
        self.assertEqual(refused.returncode, 2, refused.stdout)
        self.assertIn("port 20550/tcp is claimed twice", refused.stderr)
        self.assertIn("by app containers (ports, 20500-20599/tcp", refused.stderr)
        self.assertIn("by accessory media (accessories.media.port", refused.stderr)

        env.daemon.start()
        ports = run(["docker", "port", "cutover-acc-media"]).stdout.splitlines()
        self.assertIn("18443/tcp -> 127.0.0.1:18443", ports)
        udp = sorted(line for line in ports if "/udp" in line)
        self.assertEqual(udp, sorted(f"{p}/udp -> 127.0.0.1:{p}" for p in range(41000, 41020)))
        wait_for(lambda: run(["curl", "-sS", "http://127.0.0.1:18443/"], check=False).stdout.strip() == "media",
                 30, "the media server to answer on 127.0.0.1:18443")

        env.cli("deploy", "web")
        self.assertEqual(env.get(HOST), (200, "web v1"))
        env_of_app = run(["docker", "inspect", "-f", "{{range .Config.Env}}{{println .}}{{end}}", "web-1-0"]).stdout
        self.assertIn("MEDIA_HOST=media", env_of_app)
        self.assertIn("MEDIA_PORT=18443", env_of_app)
        report = env.redeploy_under_load(self, "web", HOST, "/", "web/Dockerfile", 'APP_VERSION="web v1"',
                                         'APP_VERSION="web v2"')
        self.assertEqual(set(report["bodies"]), {"web v1", "web v2"}, report)


if __name__ == "__main__":
    unittest.main()
