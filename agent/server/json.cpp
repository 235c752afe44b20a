#include "server/json.hpp"

namespace cutover {

nlohmann::json to_json(const Release& r) {
  return {{"id", release_id(r.app, r.number)}, {"app", r.app},          {"number", r.number},
          {"sha", r.sha},                      {"image", r.image},      {"state", to_string(r.state)},
          {"created_at", r.created_at},        {"live_from", r.live_from}, {"ports", r.ports}};
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

}  // namespace cutover
