"""SPEC guarantees 1 and 3: a release that never gets healthy, a commit that
does not build, or a template nginx rejects leaves the live release serving,
with zero failed requests, and nginx on its old config."""
import os

from harness import IntegrationTest


class FailedDeployments(IntegrationTest):
    def start_with_v1(self):
        self.env.repo.commit_version("v1")
        self.env.daemon.start()
        self.env.deploy()
        self.assertEqual(self.env.served_version(), "v1")

    def assert_v1_still_live(self, report):
        env = self.env
        self.assertEqual(report["failed"], 0, report)
        self.assertEqual(list(report["bodies"]), ["v1"], report)
        self.assertEqual(env.served_version(), "v1")
        self.assertEqual(env.status()["live"]["id"], f"{env.app}@1")
        self.assertEqual(env.containers(), {f"{env.app}-1-0": "running"})

    def test_never_healthy(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2-sick", env={"FAIL_HEALTH": "1"})
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        # The failure carries the container's own last words.
        self.assertIn("health is failing on purpose", result.stdout + result.stderr)
        self.assertIn("GET /up", result.stderr)
        self.assert_v1_still_live(report)
        self.assertEqual(env.releases()[0]["state"], "failed")
        self.assertEqual(env.releases()[0]["ports"], [])

    def test_build_failure(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2-broken", extra_dockerfile="RUN echo about to fail && exit 3")
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("about to fail", result.stdout)  # build output streamed into the events
        self.assertIn("returned a non-zero code: 3", result.stderr)
        self.assert_v1_still_live(report)

    def test_missing_base_image_is_not_pulled(self):
        env = self.env
        self.start_with_v1()
        env.repo.commit_version("v2", base="cutover-no-such-base-image:1")
        result = env.deploy(check=False)
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("image cutover-no-such-base-image:1 (FROM or COPY --from in Dockerfile) is not on this host", result.stderr)
        self.assertIn("never pulls", result.stderr)
        self.assertNotIn("Step 1/", result.stdout, "the build must not start")
        self.assertEqual(env.served_version(), "v1")

    def test_template_rejected_by_nginx(self):
        env = self.env
        self.start_with_v1()
        site = os.path.join(env.nginx.prefix, "sites", f"cutover-{env.app}.conf")
        with open(site) as f:
            site_before = f.read()
        nginx_pid = env.nginx.pid()
        template = os.path.join(env.templates, "nginx", "app.conf.mustache")
        with open(template, "a") as f:
            f.write("\nnot_a_directive on;\n")
        env.repo.commit_version("v2")
        load = env.loadgen()
        result = env.deploy(check=False)
        report = load.stop()
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
        self.assertIn("nginx -t", result.stderr)
        self.assertIn("not_a_directive", result.stderr)
        with open(site) as f:
            self.assertEqual(f.read(), site_before, "nginx's file was not restored")
        self.assertEqual(env.nginx.pid(), nginx_pid)
        self.assert_v1_still_live(report)


if __name__ == "__main__":
    import unittest
    unittest.main()
