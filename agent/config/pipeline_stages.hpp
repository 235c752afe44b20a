#pragma once
// pipeline: an app's stages, written inline as {stages: [...]} or kept in a
// file pipelines/<name>.yml holding that same mapping.
#include <filesystem>
#include <string>
#include <vector>

#include "config/config_node.hpp"
#include "core/pipeline.hpp"

namespace cutover::config {

// {stages: [build, {test: {command: [...], timeout: 10m}}, deploy, {verify: {...}}]}
Result<Pipeline> read_pipeline_stages(const ConfigNode& mapping);

// The file <dir>/<name>.yml from the first dir that has one. `default`
// without a file is build, deploy. Errors about a missing file point at
// named_at; errors inside the file point into it.
Result<Pipeline> load_named_pipeline(const std::string& name, const ConfigNode& named_at,
                                     const std::vector<std::filesystem::path>& dirs);

}  // namespace cutover::config
