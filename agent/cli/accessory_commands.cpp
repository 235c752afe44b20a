// `cutover accessory ls|restart|logs`: the long-lived service containers
// cutoverd keeps running beside the apps (cutover.yml(5), ACCESSORIES).
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/columns.hpp"
#include "cli/json_fields.hpp"
#include "cli/commands.hpp"
#include "config/patterns.hpp"

namespace cutover {
namespace {

using json = nlohmann::json;

std::string ports_text(const json& accessory) {
  auto found = accessory.find("ports");
  if (found == accessory.end() || !found->is_array() || found->empty()) return "-";
  std::string out;
  for (const auto& port : *found)
    if (port.is_string()) out += (out.empty() ? "127.0.0.1:" : ",") + port.get<std::string>();
  return out;
}

std::string container_text(const json& accessory) {
  const std::string id = text_field(accessory, "container_id");
  if (id.empty()) return "-";
  return fmt::format("{} ({})", text_field(accessory, "container"), id.substr(0, 12));
}

// Why an accessory is not as cutover.yml says, and what to do; "" when it is.
std::string note_for(const json& accessory) {
  const std::string name = text_field(accessory, "name");
  if (!flag_field(accessory, "configured"))
    return fmt::format(
        "{}: no longer in cutover.yml; cutover leaves it as it is (it may hold data): remove it with "
        "docker rm -f {} once it is no longer needed",
        name, text_field(accessory, "container"));
  const std::string error = text_field(accessory, "last_error");
  if (!error.empty()) return error;
  if (text_field(accessory, "state") != "missing" && !flag_field(accessory, "up_to_date"))
    return fmt::format(
        "{}: its container was made from an older entry in cutover.yml; `cutover config reload` or "
        "`cutover accessory restart {}` replaces it",
        name, name);
  return "";
}

// A name the daemon could never know is a usage error, and would not fit in a URL path.
CliResult<void> check_accessory_name(const std::string& name) {
  if (config::is_resource_name(name)) return {};
  return std::unexpected(CliFailure{kExitUsage, fmt::format("\"{}\" is not an accessory name ({}); see `cutover "
                                                            "accessory ls`",
                                                            name, config::kResourceNameRule)});
}

}  // namespace

std::string accessories_table(const json& accessories, const Style& style) {
  if (!accessories.is_array() || accessories.empty()) return "no accessories configured\n";
  std::vector<std::vector<std::string>> rows{{"ACCESSORY", "STATE", "IMAGE", "PORTS", "CONTAINER"}};
  std::string notes;
  for (const auto& a : accessories) {
    const std::string image = text_field(a, "image");
    rows.push_back({text_field(a, "name"), style.state(text_field(a, "state")), image.empty() ? "-" : image, ports_text(a),
                    container_text(a)});
    if (auto note = note_for(a); !note.empty()) notes += note + "\n";
  }
  return aligned_columns(rows) + notes;
}

int cmd_accessory_ls(ApiClient& api, const CliOptions& options) {
  auto answer = api.call("GET", "/v1/accessories");
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", accessories_table((*answer)["accessories"], options.style));
  return kExitOk;
}

int cmd_accessory_restart(ApiClient& api, const CliOptions& options, const std::string& name) {
  if (auto named = check_accessory_name(name); !named) return report(options, named.error());
  auto answer = api.call("POST", fmt::format("/v1/accessories/{}/restart", name));
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  const auto& accessory = (*answer)["accessory"];
  fmt::print("accessory {} restarted: {} {}\n", name, options.style.state(text_field(accessory, "state")),
             container_text(accessory));
  return kExitOk;
}

int cmd_accessory_logs(ApiClient& api, const CliOptions& options, const std::string& name, int tail) {
  if (auto named = check_accessory_name(name); !named) return report(options, named.error());
  if (tail < 0)
    return report(options,
                  CliFailure{kExitUsage, fmt::format("accessory logs {}: --tail must be 0 (all) or more", name)});
  auto answer = api.call("GET", fmt::format("/v1/accessories/{}/logs?tail={}", name, tail));
  if (!answer) return report(options, answer.error());
  if (options.json) return print_json(*answer), kExitOk;
  fmt::print("{}", text_field(*answer, "logs"));
  return kExitOk;
}

}  // namespace cutover
