#pragma once
// Accessories built from a repository like an app (`repo`, `branch`,
// `build`, `auth` instead of `image`). At start and at each reload their
// branch is fetched and its tip built once per commit (and build settings)
// as cutover/accessory-<name>:<sha12>-<hash>; the config AccessoryManager reads names
// that image, so a new commit is a changed entry and replaces the container.
// One that cannot be built keeps the image it was last built as.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "docker/docker.hpp"
#include "git/mirror.hpp"

namespace cutover {

class AccessoryImages {
 public:
  using ConfigSource = std::function<std::shared_ptr<const Config>()>;
  using MirrorOpener = std::function<Result<GitMirror*>(const AccessoryConfig&)>;
  AccessoryImages(Docker& docker, MirrorOpener open_mirror, ConfigSource config);

  // Fetches and builds what the running config's repo accessories need; one
  // error per accessory that could not be built.
  std::vector<Error> refresh();
  // The running config with the built images filled in.
  std::shared_ptr<const Config> config();

 private:
  Result<std::string> build(const AccessoryConfig& accessory);
  std::shared_ptr<const Config> with_images(const std::shared_ptr<const Config>& source);

  Docker& docker_;
  MirrorOpener open_mirror_;
  ConfigSource config_;
  std::mutex mutex_;
  std::map<std::string, std::string> built_;  // accessory → the image its branch was last built as
};

// "cutover/accessory-<name>:<sha12>-<hash of the build settings>"
std::string accessory_image_tag(const AccessoryConfig& accessory, const std::string& sha);

}  // namespace cutover
