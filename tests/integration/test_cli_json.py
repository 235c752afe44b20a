"""The CLI as scripts and people meet it (cutover(1), JSON OUTPUT, EXIT
STATUS, COMPLETION): every command prints one JSON document with --json (the
streaming ones one object per line), failures included, with the exit codes
of SPEC section 5; colors and the live progress line appear on a terminal
only; the bash completion script offers commands and the daemon's names.
"""
import json
import os
import pty
import subprocess
import tempfile

from harness import CUTOVER, SOURCE, IntegrationTest, run

COMPLETION = os.path.join(SOURCE, "agent", "cli", "completion", "cutover.bash")
ESC = "\x1b"


def json_lines(text):
    """Every line of a stream, each one JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def complete(*words):
    """COMPREPLY of the completion script for a command line whose last word is being typed."""
    script = f"""
source {COMPLETION}
COMP_WORDS=({" ".join(_quote(w) for w in (CUTOVER,) + words)})
COMP_CWORD={len(words)}
_cutover
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    out = run(["bash", "--norc", "--noprofile", "-c", script]).stdout
    return [line for line in out.splitlines() if line]


def _quote(word):
    return "'" + word.replace("'", "'\\''") + "'"


def in_terminal(argv, extra_env=None, unset=()):
    """(exit status, output) of argv run on a pseudo-terminal."""
    env = {k: v for k, v in os.environ.items() if k not in unset}
    env.update(extra_env or {})
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    chunks = []
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode(errors="replace")


class WithoutDaemon(IntegrationTest):
    """What works, and how it fails, when no cutoverd answers."""

    def cli(self, *args):
        return run([CUTOVER, "--socket", self.env.socket, *args], check=False)

    def test_unreachable_is_exit_3_with_an_error_document(self):
        for argv in (["status"], ["releases", "web"], ["env", "ls"], ["accessory", "ls"], ["config", "reload"]):
            result = self.cli("--json", *argv)
            self.assertEqual(result.returncode, 3, argv)
            document = json.loads(result.stdout)
            self.assertEqual(document["exit_code"], 3)
            self.assertIn("cannot reach cutoverd", document["error"])
            self.assertIn("cannot reach cutoverd", result.stderr)
        version = self.cli("--json", "version")
        self.assertEqual(version.returncode, 3)
        document = json.loads(version.stdout)
        self.assertIsNone(document["daemon"])
        self.assertTrue(document["client"])
        self.assertEqual(document["exit_code"], 3)

    def test_usage_errors_are_exit_2(self):
        for argv in (["bogus"], ["deploy"], ["env", "wake", "dev", "--for", "1h", "--until", "10:00"],
                     ["accessory", "logs", "x", "--tail", "-1"], ["logs"]):
            result = self.cli("--json", *argv)
            self.assertEqual(result.returncode, 2, (argv, result.stdout, result.stderr))
            self.assertEqual(json.loads(result.stdout)["exit_code"], 2, argv)
        self.assertEqual(self.cli("bogus").stdout, "", "without --json stdout stays empty")

    def test_config_check(self):
        good = self.cli("--json", "config", "check", self.env.config_path)
        self.assertEqual(good.returncode, 0, good.stderr)
        document = json.loads(good.stdout)
        self.assertEqual((document["valid"], document["file"], document["apps"], document["environments"]),
                         (True, self.env.config_path, 1, 0))
        with tempfile.NamedTemporaryFile("w", suffix=".yml") as bad:
            bad.write("apps: [\n")
            bad.flush()
            result = self.cli("--json", "config", "check", bad.name)
            self.assertEqual(result.returncode, 2)
            document = json.loads(result.stdout)
            self.assertEqual((document["valid"], document["exit_code"]), (False, 2))
            self.assertTrue(document["error"])

    def test_complete_prints_nothing_and_succeeds(self):
        for argv in (["apps"], ["envs"], ["accessories"], ["releases", "web"]):
            result = self.cli("__complete", *argv)
            self.assertEqual((result.returncode, result.stdout), (0, ""), argv)
        self.assertEqual(complete("--socket", self.env.socket, "status", ""), [])

    def test_completion_of_commands_and_options(self):
        self.assertEqual(set(complete("")), {"status", "deploy", "rollback", "releases", "logs", "config",
                                             "version", "env", "accessory", "host"})
        self.assertEqual(complete("r"), ["rollback", "releases"])
        self.assertEqual(set(complete("env", "")), {"ls", "show", "wake", "sleep"})
        self.assertEqual(set(complete("accessory", "")), {"ls", "restart", "logs"})
        self.assertEqual(set(complete("config", "")), {"check", "reload"})
        self.assertEqual(set(complete("host", "")), {"ls", "check", "trust"})
        self.assertEqual(complete("host", "trust", "web-1", "--f"), ["--fingerprint"])
        self.assertEqual(set(complete("deploy", "--")), {"--ref", "--detach", "--socket", "--json", "--help"})
        self.assertEqual(complete("--json", "logs", "--f"), ["--follow"])
        self.assertEqual(complete("env", "wake", "dev", "--u"), ["--until"])
        self.assertEqual(complete("deploy", "web", "--ref", ""), [])


class WithDaemon(IntegrationTest):
    """Every command with --json against a daemon with an app in an environment."""

    def setUp(self):
        super().setUp()
        with open(self.env.config_path, "a") as f:
            f.write(f"environments:\n  dev:\n    apps: [{self.env.app}]\n")

    def cli(self, *args, check=True):
        return self.env.cli(*args, check=check)

    def document(self, *args):
        """The one JSON document a command prints, with exit 0."""
        result = self.cli("--json", *args)
        return json.loads(result.stdout)

    def assert_stream_succeeded(self, stdout):
        lines = json_lines(stdout)
        events, final = lines[:-1], lines[-1]
        self.assertTrue(events)
        for event in events:
            self.assertEqual(set(event), {"id", "deployment_id", "at", "step", "kind", "message", "duration_ms"})
        self.assertEqual(final["deployment"]["state"], "succeeded", final)
        self.assertEqual(events[-1]["step"], "done")
        return final["deployment"]

    def test_every_command_with_json(self):
        env, app = self.env, self.env.app
        env.daemon.start()

        # deploy: JSON lines, the events then the deployment.
        env.repo.commit_version("v1")
        first = self.assert_stream_succeeded(self.cli("--json", "deploy", app).stdout)
        self.assertEqual((first["app"], first["kind"], first["release"]), (app, "deploy", f"{app}@1"))

        # Piped text: no colors and no live line.
        env.repo.commit_version("v2")
        text = self.cli("deploy", app).stdout
        self.assertIn("ok     done", text)
        self.assertNotIn(ESC, text)
        self.assertNotIn("\r", text)

        status = self.document("status")
        self.assertEqual(set(status), {"apps"})
        entry = status["apps"][0]
        self.assertEqual(entry["name"], app)
        self.assertEqual(entry["live"]["id"], f"{app}@2")
        self.assertTrue(all(r["healthy"] for r in entry["live"]["health"]))
        self.assertEqual([r["id"] for r in entry["standby"]], [f"{app}@1"])
        self.assertEqual(entry["environment"]["name"], "dev")
        self.assertIn(entry["environment"]["state"], ("awake", "waking"))
        self.assertFalse(entry["deploying"])
        self.assertEqual(self.document("status", app)["apps"][0]["name"], app)
        table = self.cli("status").stdout
        self.assertRegex(table.splitlines()[0], r"^APP +HOST +LIVE +STANDBY +HEALTH +PORTS +ENV$")
        self.assertRegex(table, rf"{app} +local +{app}@2 [0-9a-f]{{12}} +{app}@1 +1/1 healthy +\d+ +dev: ")
        self.assertNotIn(ESC, table)

        releases = self.document("releases", app)["releases"]
        self.assertEqual([(r["id"], r["state"]) for r in releases], [(f"{app}@2", "live"), (f"{app}@1", "standby")])
        for key in ("sha", "image", "created_at", "live_from", "ports", "number", "app", "host"):
            self.assertIn(key, releases[0])

        logs = json_lines(self.cli("--json", "logs", "--app", app).stdout)
        self.assertEqual(logs[-1]["deployment"]["release"], f"{app}@2")

        back = self.assert_stream_succeeded(self.cli("--json", "rollback", app, "--to", f"{app}@1").stdout)
        self.assertEqual((back["kind"], back["release"]), ("rollback", f"{app}@1"))

        queued = self.document("deploy", app, "--detach")["deployment"]
        self.assertEqual((queued["app"], queued["kind"]), (app, "deploy"))
        followed = self.assert_stream_succeeded(self.cli("--json", "logs", str(queued["id"]), "--follow").stdout)
        self.assertEqual(followed["id"], queued["id"])

        check = self.document("config", "check", env.config_path)
        self.assertEqual((check["valid"], check["apps"], check["environments"]), (True, 1, 1))
        self.assertEqual(self.document("config", "reload"), {"reloaded": True, "config": env.config_path})
        version = self.document("version")
        self.assertEqual(version["client"], version["daemon"])

        environments = self.document("env", "ls")["environments"]
        self.assertEqual([e["name"] for e in environments], ["dev"])
        shown = self.document("env", "show", "dev")["environment"]
        self.assertEqual(shown["name"], "dev")
        self.assertEqual([a["name"] for a in shown["apps"]], [app])
        held = self.document("env", "wake", "dev", "--for", "1h")["environment"]
        self.assertEqual((held["hold"]["state"], held["hold"]["kind"]), ("awake", "override"))

        self.assertEqual(self.document("accessory", "ls"), {"accessories": []})

        # The daemon's names, for completion.
        self.assertEqual(self.cli("__complete", "apps").stdout.split(), [app])
        self.assertEqual(self.cli("__complete", "envs").stdout.split(), ["dev"])
        self.assertEqual(self.cli("__complete", "accessories").stdout.split(), [])
        standby = [r["id"] for r in self.document("releases", app)["releases"] if r["state"] == "standby"]
        self.assertTrue(standby)
        self.assertEqual(self.cli("__complete", "releases", app).stdout.split(), standby)
        self.assertEqual(complete("--socket", env.socket, "status", ""), [app])
        self.assertEqual(complete("--socket", env.socket, "rollback", app, "--to", ""), standby)
        self.assertEqual(complete("--socket", env.socket, "env", "show", ""), ["dev"])
        self.assertEqual(complete("--socket", env.socket, "logs", "--app", ""), [app])

        # Failures: one error document and the exit code of SPEC section 5.
        for argv, code in ((["status", "nosuch"], 1), (["releases", "nosuch"], 1), (["deploy", "nosuch"], 1),
                           (["env", "show", "nosuch"], 1), (["env", "wake", "dev", "--for", "soon"], 2),
                           (["accessory", "restart", "nosuch"], 1), (["accessory", "logs", "nosuch"], 1),
                           (["rollback", app, "--to", f"{app}@9"], 1), (["logs", "999999"], 1)):
            result = self.cli("--json", *argv, check=False)
            self.assertEqual(result.returncode, code, (argv, result.stdout, result.stderr))
            last = json_lines(result.stdout)[-1]
            self.assertEqual(last["exit_code"], code, argv)
            self.assertTrue(last["error"], argv)

        self.terminal_output()

    def terminal_output(self):
        """On a terminal: colors unless NO_COLOR or TERM=dumb; the live progress line while following."""
        env = self.env
        argv = [CUTOVER, "--socket", env.socket, "status"]
        code, colored = in_terminal(argv, {"TERM": "xterm"}, unset=("NO_COLOR",))
        self.assertEqual(code, 0, colored)
        self.assertIn(ESC + "[32m", colored)
        for extra in ({"TERM": "xterm", "NO_COLOR": "1"}, {"TERM": "dumb"}):
            code, plain = in_terminal(argv, extra, unset=("NO_COLOR",))
            self.assertEqual(code, 0, plain)
            self.assertNotIn(ESC, plain, extra)

        env.repo.commit_version("v3")
        code, deployed = in_terminal([CUTOVER, "--socket", env.socket, "deploy", env.app], {"TERM": "dumb"})
        self.assertEqual(code, 0, deployed)
        self.assertRegex(deployed, r"\r  health … \d+\.\ds")
        self.assertNotIn(ESC, deployed)
        self.assertIn("ok     done", deployed)
        code, quiet = in_terminal([CUTOVER, "--socket", env.socket, "--json", "logs", "--app", env.app,
                                   "--follow"])
        self.assertEqual(code, 0, quiet)
        self.assertNotIn("\r  ", quiet.replace("\r\n", "\n"))
        for line in quiet.splitlines():
            if line.strip():
                json.loads(line)


if __name__ == "__main__":
    import unittest
    unittest.main()
