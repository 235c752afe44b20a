#include "core/release.hpp"

#include <array>
#include <charconv>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace cutover {
namespace {

template <class Enum, std::size_t N>
using NameTable = std::array<std::pair<Enum, const char*>, N>;

constexpr NameTable<ReleaseState, 8> kReleaseStates{{{ReleaseState::building, "building"},
                                                     {ReleaseState::ready, "ready"},
                                                     {ReleaseState::starting, "starting"},
                                                     {ReleaseState::live, "live"},
                                                     {ReleaseState::draining, "draining"},
                                                     {ReleaseState::standby, "standby"},
                                                     {ReleaseState::failed, "failed"},
                                                     {ReleaseState::removed, "removed"}}};
constexpr NameTable<DeploymentKind, 2> kKinds{
    {{DeploymentKind::deploy, "deploy"}, {DeploymentKind::rollback, "rollback"}}};
constexpr NameTable<DeploymentState, 5> kDeploymentStates{
    {{DeploymentState::queued, "queued"},
     {DeploymentState::running, "running"},
     {DeploymentState::succeeded, "succeeded"},
     {DeploymentState::failed, "failed"},
     {DeploymentState::superseded, "superseded"}}};
constexpr NameTable<Phase, 12> kPhases{{{Phase::queued, "queued"},
                                       {Phase::resolving, "resolving"},
                                       {Phase::building, "building"},
                                       {Phase::testing, "testing"},
                                       {Phase::starting, "starting"},
                                       {Phase::health, "health"},
                                       {Phase::switching, "switching"},
                                       {Phase::switched, "switched"},
                                       {Phase::undoing, "undoing"},
                                       {Phase::draining, "draining"},
                                       {Phase::verifying, "verifying"},
                                       {Phase::done, "done"}}};

template <class Enum, std::size_t N>
const char* name_of(const NameTable<Enum, N>& table, Enum value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <class Enum, std::size_t N>
std::optional<Enum> value_of(const NameTable<Enum, N>& table, const std::string& text) {
  for (const auto& [v, name] : table)
    if (text == name) return v;
  return std::nullopt;
}

}  // namespace

std::string release_id(const std::string& app, int number) { return fmt::format("{}@{}", app, number); }

std::optional<int> parse_release_number(const std::string& app, const std::string& text) {
  std::string_view digits = text;
  if (digits.starts_with(app + "@")) digits.remove_prefix(app.size() + 1);
  int number = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (ec != std::errc{} || end != digits.data() + digits.size() || number <= 0) return std::nullopt;
  return number;
}

std::string image_tag(const std::string& app, const std::string& sha) {
  return fmt::format("cutover/{}:{}", app, sha.substr(0, 12));
}

std::string container_name(const std::string& app, int release, int replica) {
  return fmt::format("{}-{}-{}", app, release, replica);
}

std::string role_container_name(const std::string& app, int release, const std::string& role, int replica) {
  return fmt::format("{}-{}-{}-{}", app, release, role, replica);
}

const char* to_string(ReleaseState state) { return name_of(kReleaseStates, state); }
const char* to_string(DeploymentKind kind) { return name_of(kKinds, kind); }
const char* to_string(DeploymentState state) { return name_of(kDeploymentStates, state); }
const char* to_string(Phase phase) { return name_of(kPhases, phase); }
std::optional<ReleaseState> release_state_from(const std::string& t) { return value_of(kReleaseStates, t); }
std::optional<DeploymentKind> deployment_kind_from(const std::string& t) { return value_of(kKinds, t); }
std::optional<DeploymentState> deployment_state_from(const std::string& t) {
  return value_of(kDeploymentStates, t);
}
std::optional<Phase> phase_from(const std::string& t) { return value_of(kPhases, t); }

}  // namespace cutover
