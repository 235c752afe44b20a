"""examples/split-path: a frontend at / and an API with a WebSocket at /api on
one host, deployed from a local git repository, each blue/green on its own
under load with zero failed requests."""
import json
import time
import unittest
import urllib.error
import urllib.request

from example_env import ExampleEnv
from harness import UnixHTTPConnection, WebSocket, run, wait_for

HOST = "shop.localhost"


class SplitPath(unittest.TestCase):
    def setUp(self):
        self.env = ExampleEnv("split-path")
        self.addCleanup(self.env.cleanup)
        self.addCleanup(self._dump_log_on_failure)

    def _dump_log_on_failure(self):
        result = getattr(getattr(self, "_outcome", None), "result", None)
        if any(test is self for test, _ in getattr(result, "errors", []) + getattr(result, "failures", [])):
            print("\n--- cutoverd log ---\n" + self.env.daemon.log()[-20000:])

    def answered_by(self, path):
        """(status, the app version that answered) for a GET through nginx."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.env.listen_port}{path}", headers={"Host": HOST})
        try:
            with urllib.request.urlopen(request, timeout=5) as r:
                return r.status, r.headers["X-App-Version"]
        except urllib.error.HTTPError as e:
            return e.code, e.headers["X-App-Version"]

    def test_each_app_gets_only_its_paths_and_deploys_alone_under_load(self):
        env = self.env
        self.assertEqual(env.apps, ["frontend", "api"])
        env.daemon.start()
        env.cli("deploy", "frontend")
        # Before the API has a release its paths fall to the frontend's "/".
        self.assertEqual(self.answered_by("/api/version"), (404, "frontend v1"))
        env.cli("deploy", "api")

        self.assertEqual(self.answered_by("/"), (200, "frontend v1"))
        self.assertEqual(self.answered_by("/cart"), (404, "frontend v1"))
        self.assertEqual(self.answered_by("/api"), (200, "api v1"))
        self.assertEqual(self.answered_by("/api/version"), (200, "api v1"))
        self.assertEqual(self.answered_by("/api/orders/7"), (404, "api v1"))
        self.assertEqual(self.answered_by("/apiary"), (404, "frontend v1"))

        # The API again, under load on both apps, with a WebSocket open on /api/ws.
        env.commit_change("api/Dockerfile", 'APP_VERSION="api v1"', 'APP_VERSION="api v2"')
        ws = WebSocket(env.listen_port, host=HOST, path="/api/ws")
        self.assertEqual(ws.echo("before"), "before")
        front_load = env.loadgen("/", HOST)
        api_load = env.loadgen("/api/version", HOST)
        frontend_containers = self.container_ids("frontend")
        deployment = json.loads(env.cli("--json", "deploy", "api", "--detach").stdout)["deployment"]["id"]
        wait_for(lambda: self.answered_by("/api/version") == (200, "api v2"), 120, "api v2 to serve")
        # The old API release keeps the WebSocket through its drain.
        self.assertEqual(ws.echo("after switch"), "after switch")
        ws.close()
        wait_for(lambda: self.deployment_state(deployment) not in ("queued", "running"), 120, "the API deployment to end")
        self.assertEqual(self.deployment_state(deployment), "succeeded")
        time.sleep(0.5)
        front, api = front_load.stop(), api_load.stop()
        self.assertEqual(front["failed"], 0, front)
        self.assertEqual(api["failed"], 0, api)
        self.assertGreater(front["requests"], 50, front)
        self.assertGreater(api["requests"], 50, api)
        # Each load reached only its own app.
        self.assertEqual(set(front["bodies"]), {"frontend v1"}, front)
        self.assertEqual(set(api["bodies"]), {"api v1", "api v2"}, api)
        # The frontend was not touched.
        self.assertEqual(self.container_ids("frontend"), frontend_containers)

        # Then the frontend alone, under load on both.
        env.commit_change("frontend/Dockerfile", 'APP_VERSION="frontend v1"', 'APP_VERSION="frontend v2"')
        front_load = env.loadgen("/", HOST)
        api_load = env.loadgen("/api/version", HOST)
        api_containers = self.container_ids("api")
        env.cli("deploy", "frontend")
        front, api = front_load.stop(), api_load.stop()
        self.assertEqual(front["failed"], 0, front)
        self.assertEqual(api["failed"], 0, api)
        self.assertEqual(set(front["bodies"]), {"frontend v1", "frontend v2"}, front)
        self.assertEqual(set(api["bodies"]), {"api v2"}, api)
        self.assertEqual(self.container_ids("api"), api_containers)
        self.assertEqual(self.answered_by("/apiary"), (404, "frontend v2"))

    def test_a_reload_moves_a_path_without_a_deployment(self):
        env = self.env
        env.daemon.start()
        env.cli("deploy", "frontend")
        env.cli("deploy", "api")
        self.assertEqual(self.answered_by("/api/version"), (200, "api v1"))
        with open(env.config_path) as f:
            config = f.read()
        with open(env.config_path, "w") as f:
            f.write(config.replace("path: /api,", "path: /v2,"))
        deployments_before = self.deployment_count()
        env.cli("config", "reload")
        wait_for(lambda: self.answered_by("/api/version")[1] == "frontend v1", 30, "/api to fall to the frontend")
        # The API answers on its new path; the app itself still strips /api,
        # so what reaches it is a path it does not know: 404 from the API.
        # Waited for too: nginx's old workers accept new connections for a
        # moment after the reload, so one answer may still come from the
        # old configuration.
        wait_for(lambda: self.answered_by("/v2/version") == (404, "api v1"), 5, "/v2 to reach the API")
        self.assertEqual(self.answered_by("/api/version")[1], "frontend v1")
        self.assertEqual(self.deployment_count(), deployments_before)

    def container_ids(self, app):
        return sorted(run(["docker", "ps", "-q", "--filter", f"label=cutover.app={app}"]).stdout.split())

    def api(self, path):
        conn = UnixHTTPConnection(self.env.socket)
        conn.request("GET", path)
        answer = json.loads(conn.getresponse().read())
        conn.close()
        return answer

    def deployment_state(self, deployment):
        return self.api(f"/v1/deployments/{deployment}")["deployment"]["state"]

    def deployment_count(self):
        return sum(len(self.api(f"/v1/apps/{app}/deployments?limit=100")["deployments"]) for app in self.env.apps)


if __name__ == "__main__":
    unittest.main()
