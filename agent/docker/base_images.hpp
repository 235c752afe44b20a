#pragma once
// Before a build: every image the commit's Dockerfile starts from (FROM) or
// copies from (COPY --from) must already be on this host, because cutover
// never pulls and the classic builder would. Shared by app and accessory
// builds.
#include <string>

#include "core/config.hpp"
#include "docker/docker.hpp"
#include "git/mirror.hpp"
#include "util/result.hpp"

namespace cutover {

// The Dockerfile's path inside the repository: build.context + build.dockerfile.
std::string dockerfile_path(const BuildSpec& build);

// `image` is the tag being built, named in errors.
Status check_base_images(GitMirror& mirror, Docker& docker, const BuildSpec& build, const std::string& sha,
                         const std::string& image);

}  // namespace cutover
