#pragma once
// How releases, deployments, events and environments look on the control API.
#include <nlohmann/json.hpp>

#include "core/release.hpp"
#include "envs/control.hpp"

namespace cutover {

nlohmann::json to_json(const Release& release);
nlohmann::json to_json(const Deployment& deployment);
nlohmann::json to_json(const Event& event);
nlohmann::json to_json(const envs::EnvironmentView& environment);

}  // namespace cutover
