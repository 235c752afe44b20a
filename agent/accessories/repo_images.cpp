#include "accessories/repo_images.hpp"

#include <chrono>
#include <cstdint>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "docker/base_images.hpp"
#include "util/duration.hpp"
#include "util/url_credentials.hpp"

namespace cutover {

std::string accessory_image_tag(const AccessoryConfig& accessory, const std::string& sha) {
  // The build settings are part of the tag: changing them builds again even
  // without a new commit. FNV-1a: stable across builds of cutover.
  std::uint32_t hash = 2166136261u;
  auto mix = [&](const std::string& text) {
    for (unsigned char c : text + '\0') hash = (hash ^ c) * 16777619u;
  };
  mix(accessory.build.dockerfile);
  mix(accessory.build.context);
  mix(accessory.build.target);
  for (const auto& [key, value] : accessory.build.args) mix(key + "=" + value);
  return fmt::format("cutover/accessory-{}:{}-{:08x}", accessory.name, sha.substr(0, 12), hash);
}

AccessoryImages::AccessoryImages(Docker& docker, MirrorOpener open_mirror, ConfigSource config)
    : docker_(docker), open_mirror_(std::move(open_mirror)), config_(std::move(config)) {}

std::vector<Error> AccessoryImages::refresh() {
  const auto config = config_();
  std::vector<Error> errors;
  for (const auto& [name, accessory] : config->accessories) {
    if (accessory.repo.empty()) continue;
    auto image = build(accessory);
    if (!image) {
      errors.push_back(image.error());
      continue;
    }
    std::lock_guard lock(mutex_);
    built_[name] = *image;
  }
  return errors;
}

std::shared_ptr<const Config> AccessoryImages::config() { return with_images(config_()); }

std::shared_ptr<const Config> AccessoryImages::with_images(const std::shared_ptr<const Config>& source) {
  std::lock_guard lock(mutex_);
  bool any = false;
  for (const auto& [name, accessory] : source->accessories) any = any || !accessory.repo.empty();
  if (!any) return source;
  auto copy = std::make_shared<Config>(*source);
  for (auto& [name, accessory] : copy->accessories) {
    auto image = built_.find(name);
    if (!accessory.repo.empty() && image != built_.end()) accessory.image = image->second;
  }
  return copy;
}

Result<std::string> AccessoryImages::build(const AccessoryConfig& accessory) {
  auto failed = [&](const Error& error) {
    return fail(fmt::format("accessory {}: cannot build it from {} {}: {}", accessory.name, redact(accessory.repo, accessory.repo),
                            accessory.branch, error.message));
  };
  auto mirror = open_mirror_(accessory);
  if (!mirror) return failed(mirror.error());
  auto sha = (*mirror)->fetch_branch(accessory.branch);
  if (!sha) return failed(sha.error());
  const std::string tag = accessory_image_tag(accessory, *sha);
  auto here = docker_.image_exists(tag);
  if (!here) return failed(here.error());
  if (*here) return tag;  // built before: a commit is built once
  spdlog::info("accessory {}: building {} from {} {} ({})", accessory.name, tag, redact(accessory.repo, accessory.repo), accessory.branch,
               sha->substr(0, 12));
  const auto deadline = std::chrono::steady_clock::now() + accessory.build.timeout;
  auto too_long = [deadline] { return std::chrono::steady_clock::now() >= deadline; };
  if (auto bases = check_base_images(**mirror, docker_, accessory.build, *sha, tag); !bases)
    return failed(bases.error());
  BuildRequest request{tag, accessory.build.dockerfile, accessory.build.args, accessory.build.target, too_long};
  auto context = [&](const ChunkSink& sink) {
    return (*mirror)->write_context_tar(*sha, accessory.build.context, sink);
  };
  auto output = [&](std::string_view line) { spdlog::debug("accessory {} build: {}", accessory.name, line); };
  if (auto built = docker_.build(request, context, output); !built) {
    if (too_long())
      return failed(Error{fmt::format("the build ran longer than build.timeout ({}) and was cancelled; make the "
                                      "Dockerfile's steps faster, or raise build.timeout of accessory {}",
                                      format_duration(accessory.build.timeout), accessory.name)});
    return failed(built.error());
  }
  return tag;
}

}  // namespace cutover
