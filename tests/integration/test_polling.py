"""`poll:` deploys a branch whose tip moved, with no one touching the host,
and tries a failing commit once rather than every interval."""
import time

from harness import IntegrationTest, wait_for


class Polling(IntegrationTest):
    env_options = {"app_extra": "    poll: 1s\n", "drain_timeout": "5s"}

    def serves(self, version):
        try:
            return self.env.served_version() == version
        except OSError:
            return False

    def test_moved_tip_is_deployed_and_a_failing_one_tried_once(self):
        env = self.env
        env.repo.commit_version("v1")
        env.daemon.start()
        wait_for(lambda: self.serves("v1"), 60, "the poller to deploy v1")
        env.repo.commit_version("v2")
        wait_for(lambda: self.serves("v2"), 60, "the poller to deploy v2")

        sick = env.repo.commit_version("v3-sick", env={"FAIL_HEALTH": "1"})
        wait_for(lambda: any(d["ref"] == sick and d["state"] == "failed" for d in env.deployments()), 90,
                 "the failing commit's deployment to fail")
        time.sleep(4)  # several poll intervals
        attempts = [d for d in env.deployments() if d["ref"] == sick]
        self.assertEqual(len(attempts), 1, attempts)
        self.assertTrue(all(d["trigger"] == "poll" for d in env.deployments()))
        self.assertEqual(env.served_version(), "v2")


if __name__ == "__main__":
    import unittest
    unittest.main()
