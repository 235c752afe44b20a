#include "server/json.hpp"

namespace cutover {
namespace {

// Release ids as the rest of the API writes them ("web@7"); null for none.
nlohmann::json release_or_null(const std::string& app, int number) {
  return number > 0 ? nlohmann::json(release_id(app, number)) : nlohmann::json(nullptr);
}

// until 0 means "until the next scheduled transition": null says so without
// a magic number.
nlohmann::json to_json(const envs::HoldView& h) {
  return {{"state", envs::to_string(h.state)},
          {"kind", h.kind},
          {"since", h.since},
          {"until", h.until > 0 ? nlohmann::json(h.until) : nlohmann::json(nullptr)}};
}

nlohmann::json to_json(const envs::AppView& a) {
  return {{"name", a.name},
          {"replicas", a.replicas},
          {"live_release", release_or_null(a.name, a.live_release)},
          {"ready_release", release_or_null(a.name, a.ready_release)}};
}

nlohmann::json to_json(const envs::Transition& t) { return {{"at", t.at}, {"action", t.action}}; }

template <class T>
nlohmann::json array_of(const std::vector<T>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

}  // namespace

nlohmann::json to_json(const Release& r) {
  return {{"id", release_id(r.app, r.number)}, {"app", r.app},          {"number", r.number},
          {"sha", r.sha},                      {"image", r.image},      {"state", to_string(r.state)},
          {"created_at", r.created_at},        {"live_from", r.live_from}, {"ports", r.ports},
          {"host", r.host}};
}

nlohmann::json to_json(const Deployment& d) {
  return {{"id", d.id},
          {"app", d.app},
          {"kind", to_string(d.kind)},
          {"ref", d.ref},
          {"sha", d.sha},
          {"release", d.release_number ? release_id(d.app, d.release_number) : ""},
          {"previous_release", d.previous_release ? release_id(d.app, d.previous_release) : ""},
          {"state", to_string(d.state)},
          {"phase", to_string(d.phase)},
          {"error", d.error},
          {"trigger", d.trigger},
          {"created_at", d.created_at},
          {"finished_at", d.finished_at}};
}

nlohmann::json to_json(const Event& e) {
  return {{"id", e.id},     {"deployment_id", e.deployment_id}, {"at", e.at},          {"step", e.step},
          {"kind", e.kind}, {"message", e.message},         {"duration_ms", e.duration_ms}};
}

nlohmann::json to_json(const envs::EnvironmentView& e) {
  return {{"name", e.name},
          {"timezone", e.timezone},
          {"state", e.state},
          {"reason", e.reason},
          {"since", e.since},
          {"hold", e.hold ? to_json(*e.hold) : nlohmann::json(nullptr)},
          {"on_request", e.on_request},
          {"idle_sleep_ms", e.idle_sleep.count()},
          {"apps", array_of(e.apps)},
          {"next", array_of(e.next)},
          {"last_error", e.last_error},
          {"last_wake",
           {{"start_ms", e.last_wake.start_ms},
            {"health_ms", e.last_wake.health_ms},
            {"switch_ms", e.last_wake.switch_ms},
            {"total_ms", e.last_wake.total_ms}}}};
}

}  // namespace cutover
