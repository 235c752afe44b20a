// `cutover host ls|check|trust`: the machines apps run on (SPEC section 7).
#include <unistd.h>

#include <iostream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/columns.hpp"
#include "cli/commands.hpp"
#include "cli/json_fields.hpp"
#include "cli/printable.hpp"
#include "config/patterns.hpp"
#include "core/ssh_fingerprint.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

CliResult<void> check_host_name(const std::string& name) {
  if (config::is_resource_name(name)) return {};
  return std::unexpected(CliFailure{kExitUsage, fmt::format("\"{}\" is not a host name ({}); see `cutover host ls`",
                                                            printable(name), config::kResourceNameRule)});
}

std::string joined(const json& list) {
  std::string out;
  if (!list.is_array()) return "-";
  for (const auto& item : list)
    if (item.is_string()) out += (out.empty() ? "" : ",") + item.get<std::string>();
  return out.empty() ? "-" : out;
}

// Asks on the terminal; anything but y or yes is no.
bool confirmed(const std::string& question) {
  fmt::print("{} [y/N] ", question);
  std::fflush(stdout);
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  return answer == "y" || answer == "Y" || answer == "yes";
}

}  // namespace

std::string hosts_table(const json& hosts) {
  if (!hosts.is_array() || hosts.empty()) return "no hosts\n";
  std::vector<std::vector<std::string>> rows{{"HOST", "SSH", "VIA", "CONNECTED", "APPS"}};
  for (const auto& h : hosts) {
    const std::string ssh = text_field(h, "ssh");
    const std::string via = text_field(h, "proxy_jump");
    const bool local = ssh.empty();
    rows.push_back({printable(text_field(h, "name")), local ? "(this machine)" : printable(ssh),
                    via.empty() ? "-" : printable(via), local ? "-" : (flag_field(h, "connected") ? "yes" : "no"),
                    printable(joined(h.value("apps", json::array())))});
  }
  return aligned_columns(rows);
}

std::string host_report_text(const json& host) {
  std::string out =
      fmt::format("host {} ({})\n", printable(text_field(host, "name")), printable(text_field(host, "ssh")));
  if (const std::string via = text_field(host, "proxy_jump"); !via.empty())
    out += fmt::format("  via     {}\n", printable(via));
  if (flag_field(host, "reachable")) {
    out += fmt::format("  key     {} {}\n", printable(text_field(host, "key_type")),
                       printable(text_field(host, "fingerprint")));
    const std::string docker = text_field(host, "docker_version");
    out +=
        fmt::format("  docker  {}\n", docker.empty() ? "-"
                                                     : fmt::format("{} (API {})", printable(docker),
                                                                   printable(text_field(host, "docker_api_version"))));
    const std::string nginx = text_field(host, "nginx_version");
    out += fmt::format("  nginx   {}\n", nginx.empty() ? "-" : printable(nginx));
  } else {
    out += "  unreachable\n";
  }
  const auto problems = host.value("problems", json::array());
  if (problems.is_array() && !problems.empty()) {
    for (const auto& problem : problems)
      if (problem.is_string()) out += fmt::format("  problem: {}\n", printable(problem.get<std::string>()));
    if (flag_field(host, "transient")) out += "  (this may pass by itself: cutoverd retries)\n";
  } else {
    out += "  ok: cutover can deploy here\n";
  }
  return out;
}

int cmd_host_ls(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("GET", "/v1/hosts");
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", hosts_table((*answer)["hosts"]));
  return kExitOk;
}

int cmd_host_check(ApiClient& api, const CliOptions& options, const std::string& name) {
  if (auto named = check_host_name(name); !named) return report(options, named.error());
  auto answer = api.call("GET", fmt::format("/v1/hosts/{}/check", name));
  if (!answer) return report(options, answer.error());
  const auto& host = (*answer)["host"];
  const auto problems = host.value("problems", json::array());
  const int code = problems.is_array() && problems.empty() ? kExitOk : kExitFailed;
  if (options.json) return print_json(*answer), code;
  fmt::print("{}", host_report_text(host));
  return code;
}

int cmd_host_trust(ApiClient& api, const CliOptions& options, const std::string& name, const std::string& fingerprint) {
  if (auto named = check_host_name(name); !named) return report(options, named.error());
  std::string confirmed_fingerprint = fingerprint;
  if (!fingerprint.empty() && !is_sha256_fingerprint(fingerprint)) {
    return report(options,
                  CliFailure{kExitUsage, fmt::format("--fingerprint {} is not a SHA256 fingerprint; give it as "
                                                     "ssh-keygen -l prints it: SHA256:...",
                                                     printable(fingerprint))});
  }
  if (fingerprint.empty()) {
    auto key = api.call("GET", fmt::format("/v1/hosts/{}/key", name));
    if (!key) return report(options, key.error());
    const std::string offered = text_field(*key, "fingerprint");
    const std::string question = fmt::format(
        "host {} ({}) offers the {} key {}\nCompare it with `ssh-keygen -l -f /etc/ssh/ssh_host_*_key.pub` "
        "run on the host. Trust it?",
        name, printable(text_field(*key, "ssh")), printable(text_field(*key, "key_type")), printable(offered));
    if (options.json || !::isatty(STDIN_FILENO)) {
      return report(options, CliFailure{kExitUsage, fmt::format("host {} offers the key {}; nothing was recorded: "
                                                                "without a terminal to ask, run `cutover host trust {} "
                                                                "--fingerprint {}` once you have checked it",
                                                                name, printable(offered), name, printable(offered))});
    }
    if (!confirmed(question)) {
      fmt::print("nothing recorded\n");
      return kExitFailed;
    }
    confirmed_fingerprint = offered;
  }
  auto answer = api.call("POST", fmt::format("/v1/hosts/{}/trust", name), json{{"fingerprint", confirmed_fingerprint}});
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("host {}: key {} {} {}\n", name, printable(text_field(*answer, "fingerprint")),
             flag_field(*answer, "already_known") ? "was already in" : "recorded in",
             printable(text_field(*answer, "known_hosts")));
  return kExitOk;
}

}  // namespace cutover
