#pragma once
// How releases, deployments and events look on the control API.
#include <nlohmann/json.hpp>

#include "core/release.hpp"

namespace cutover {

nlohmann::json to_json(const Release& release);
nlohmann::json to_json(const Deployment& deployment);
nlohmann::json to_json(const Event& event);

}  // namespace cutover
