// cutover: the command-line client of cutoverd. Commands live in cli/commands.cpp,
// cli/env_commands.cpp, cli/accessory_commands.cpp, cli/host_commands.cpp and cli/complete_command.cpp.
#include <CLI/CLI.hpp>

#include <string_view>

#include "cli/commands.hpp"

namespace {

using namespace cutover;

struct Args {
  std::string socket;
  CliOptions options;
  std::string app, ref, to, deployment, file, env, for_text, until, accessory, kind, host, fingerprint;
  int tail = 100;
  bool detach = false, follow = false;
};

// `env wake` and `env sleep` take the same arguments.
CLI::App* add_hold_command(CLI::App& env, const char* name, const char* about, Args& a) {
  auto* hold = env.add_subcommand(name, about);
  hold->add_option("ENV", a.env)->required();
  hold->add_option("--for", a.for_text, "hold this long: 30m, 2h, 1h30m");
  hold->add_option("--until", a.until,
                   "hold until HH:MM or \"YYYY-MM-DD HH:MM\" in the environment's time zone, or an RFC 3339 time");
  return hold;
}

// A command line CLI11 rejects: the text on stderr, and with --json
// anywhere on it, stdout still gets the error document.
int usage_error(const CLI::App& cli, const CLI::ParseError& e, int argc, char** argv) {
  cli.exit(e);
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]) == "--json") {
      print_json_line({{"error", e.what()}, {"exit_code", kExitUsage}});
      break;
    }
  return kExitUsage;
}

// Whether --for and --until were given at all (an empty value is an error, not an absence).
HoldArgs hold_args(const CLI::App& hold, const Args& a) {
  HoldArgs args;
  if (hold.count("--for") > 0) args.for_text = a.for_text;
  if (hold.count("--until") > 0) args.until = a.until;
  return args;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"cutover: deploy, roll back and inspect apps run by cutoverd"};
  cli.require_subcommand(1);
  // `cutover status --json` works as well as `cutover --json status`.
  cli.fallthrough();
  Args a;
  cli.add_option("--socket", a.socket, "control socket of cutoverd (else $CUTOVER_SOCKET)");
  cli.add_flag("--json", a.options.json, "print JSON instead of text");

  auto* status = cli.add_subcommand("status", "apps, live and standby releases, health, ports, environment state");
  status->add_option("APP", a.app, "only this app");
  auto* deploy = cli.add_subcommand("deploy", "deploy an app now and follow it until it is live");
  deploy->add_option("APP", a.app)->required();
  deploy->add_option("--ref", a.ref, "branch, tag or commit (default: the configured branch)");
  deploy->add_flag("--detach", a.detach, "queue it and return at once");
  auto* rollback = cli.add_subcommand("rollback", "cut over to a retained release");
  rollback->add_option("APP", a.app)->required();
  rollback->add_option("--to", a.to, "release id, e.g. web@3 (default: the previous live release)");
  auto* releases = cli.add_subcommand("releases", "release history of an app");
  releases->add_option("APP", a.app)->required();
  auto* logs = cli.add_subcommand("logs", "deployment events and build output");
  logs->add_option("DEPLOYMENT", a.deployment, "deployment id");
  logs->add_option("--app", a.app, "the newest deployment of this app");
  logs->add_flag("-f,--follow", a.follow, "keep streaming until the deployment ends");
  auto* config = cli.add_subcommand("config", "check or reload the configuration");
  config->require_subcommand(1);
  auto* check = config->add_subcommand("check", "validate a file (works without the daemon)");
  check->add_option("FILE", a.file, "default /etc/cutover/cutover.yml");
  auto* reload = config->add_subcommand("reload", "make the daemon re-read its config");
  auto* version = cli.add_subcommand("version", "client and daemon versions");
  auto* env = cli.add_subcommand("env", "environments: state, schedule, and holding them awake or asleep");
  env->require_subcommand(1);
  auto* env_ls = env->add_subcommand("ls", "every environment: state, reason, since, next transition");
  auto* env_show = env->add_subcommand("show", "one environment: hold, apps, next transitions");
  env_show->add_option("ENV", a.env)->required();
  auto* env_wake = add_hold_command(*env, "wake", "wake an environment and hold it awake", a);
  auto* env_sleep = add_hold_command(*env, "sleep", "put an environment to sleep and hold it asleep", a);
  auto* accessory = cli.add_subcommand("accessory", "accessories: long-lived service containers beside the apps");
  accessory->require_subcommand(1);
  auto* accessory_ls = accessory->add_subcommand("ls", "every accessory: state, image, ports, container");
  auto* accessory_restart = accessory->add_subcommand("restart", "stop and start an accessory's container");
  accessory_restart->add_option("NAME", a.accessory)->required();
  auto* accessory_logs = accessory->add_subcommand("logs", "an accessory container's output");
  accessory_logs->add_option("NAME", a.accessory)->required();
  accessory_logs->add_option("--tail", a.tail, "only the last N lines; 0 for all (default 100)")
      ->check(CLI::NonNegativeNumber);
  auto* host = cli.add_subcommand("host", "hosts: the machines apps run on, reached over SSH");
  host->require_subcommand(1);
  auto* host_ls = host->add_subcommand("ls", "every host: address, bastion, connected, apps");
  auto* host_check = host->add_subcommand("check", "connect to a host: key, Docker and nginx versions, problems");
  host_check->add_option("HOST", a.host)->required();
  auto* host_trust = host->add_subcommand("trust", "record a host's SSH key in daemon.known_hosts after showing it");
  host_trust->add_option("HOST", a.host)->required();
  host_trust->add_option("--fingerprint", a.fingerprint, "the SHA256:... fingerprint you checked (else asks)");
  // For the bash completion script; an empty group hides it from --help.
  auto* complete = cli.add_subcommand("__complete", "names for bash completion, one per line")->group("");
  complete->add_option("KIND", a.kind, "apps, envs, accessories, hosts or releases")->required();
  complete->add_option("APP", a.app, "the app whose releases");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return cli.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(cli, e, argc, argv);
  }
  a.options.style = Style::for_stdout(a.options.json);

  ApiClient api(resolve_socket_path(a.socket));
  if (status->parsed()) return cmd_status(api, a.options, a.app);
  if (deploy->parsed()) return cmd_deploy(api, a.options, a.app, a.ref, a.detach);
  if (rollback->parsed()) return cmd_rollback(api, a.options, a.app, a.to);
  if (releases->parsed()) return cmd_releases(api, a.options, a.app);
  if (logs->parsed()) return cmd_logs(api, a.options, a.deployment, a.app, a.follow);
  if (check->parsed()) return cmd_config_check(a.options, a.file.empty() ? "/etc/cutover/cutover.yml" : a.file);
  if (reload->parsed()) return cmd_config_reload(api, a.options);
  if (version->parsed()) return cmd_version(api, a.options);
  if (env_ls->parsed()) return cmd_env_ls(api, a.options);
  if (env_show->parsed()) return cmd_env_show(api, a.options, a.env);
  if (env_wake->parsed()) return cmd_env_hold(api, a.options, a.env, true, hold_args(*env_wake, a));
  if (env_sleep->parsed()) return cmd_env_hold(api, a.options, a.env, false, hold_args(*env_sleep, a));
  if (accessory_ls->parsed()) return cmd_accessory_ls(api, a.options);
  if (accessory_restart->parsed()) return cmd_accessory_restart(api, a.options, a.accessory);
  if (accessory_logs->parsed()) return cmd_accessory_logs(api, a.options, a.accessory, a.tail);
  if (host_ls->parsed()) return cmd_host_ls(api, a.options);
  if (host_check->parsed()) return cmd_host_check(api, a.options, a.host);
  if (host_trust->parsed()) return cmd_host_trust(api, a.options, a.host, a.fingerprint);
  if (complete->parsed()) return cmd_complete(api, a.kind, a.app);
  return kExitUsage;
}
