#include "docker/base_images.hpp"

#include <fmt/format.h>

#include "core/dockerfile.hpp"

namespace cutover {

std::string dockerfile_path(const BuildSpec& build) {
  std::string context = build.context == "." ? "" : build.context;
  while (context.starts_with("./")) context.erase(0, 2);
  if (!context.empty() && context.back() != '/') context += '/';
  return context + build.dockerfile;
}

Status check_base_images(GitMirror& mirror, Docker& docker, const BuildSpec& build, const std::string& sha,
                         const std::string& image) {
  const auto path = dockerfile_path(build);
  const auto dockerfile = TRY(mirror.read_file(sha, path));
  if (!dockerfile)
    return fail(fmt::format("build {}: commit {} has no {}; check build.dockerfile and build.context", image,
                            sha.substr(0, 12), path));
  const auto bases = dockerfile_base_images(*dockerfile, build.args);
  if (!bases) return fail(fmt::format("build {}: {}: {}", image, path, bases.error().message));
  for (const auto& base : *bases)
    if (!TRY(docker.image_exists(base)))
      return fail(fmt::format("build {}: image {} (FROM or COPY --from in {}) is not on this host, and cutover "
                              "never pulls images; load it first (docker pull {} or docker load)",
                              image, base, path, base));
  return {};
}

}  // namespace cutover
