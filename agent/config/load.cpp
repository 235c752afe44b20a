#include "config/load.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/host_references.hpp"
#include "config/key_paths.hpp"
#include "config/port_plan_check.hpp"
#include "config/read_fields.hpp"
#include "config/relative_paths.hpp"
#include "config/sections.hpp"
#include "config/yaml_document.hpp"
#include "util/share_dir.hpp"

namespace cutover {
namespace {

using config::ConfigNode;

// The top-level sections, kept as nodes so they can be read in dependency
// order (defaults before apps, apps before environments) whatever the order
// in the file.
struct Sections {
  std::optional<ConfigNode> daemon, hosts, nginx, ports, defaults, apps, accessories, environments;
};

template <std::optional<ConfigNode> Sections::*section>
Status keep(const ConfigNode& value, Sections& sections) {
  sections.*section = value;
  return {};
}

const auto kSections = std::to_array<config::FieldRule<Sections>>({
    {"daemon", keep<&Sections::daemon>},
    {"hosts", keep<&Sections::hosts>},
    {"nginx", keep<&Sections::nginx>},
    {"ports", keep<&Sections::ports>},
    {"defaults", keep<&Sections::defaults>},
    {"apps", keep<&Sections::apps>},
    {"accessories", keep<&Sections::accessories>},
    {"environments", keep<&Sections::environments>},
});

// Named pipelines are looked up beside the config first, then among the
// installed ones.
std::vector<std::filesystem::path> pipeline_dirs(const std::filesystem::path& base) {
  std::vector<std::filesystem::path> dirs;
  if (!base.empty()) dirs.push_back(base / "pipelines");
  dirs.push_back(share_dir() / "pipelines");
  return dirs;
}

Result<Config> read_config(const ConfigNode& root, const std::filesystem::path& base) {
  Sections sections;
  TRY(config::read_fields(root, kSections, sections));
  Config config;
  if (sections.daemon) TRY(config::read_daemon(*sections.daemon, config.daemon));
  if (sections.hosts) config.hosts = TRY(config::read_hosts(*sections.hosts));
  if (sections.nginx) TRY(config::read_nginx(*sections.nginx, config.nginx));
  if (sections.ports) config.ports = TRY(config::read_port_range(*sections.ports));
  config.apps = TRY(config::read_apps(sections.apps, sections.defaults, pipeline_dirs(base)));
  if (sections.accessories)
    config.accessories = TRY(config::read_accessories(*sections.accessories));
  if (sections.environments) {
    config.environments = TRY(config::read_environments(*sections.environments, config.apps));
  }
  TRY(config::check_host_references(root, config));
  TRY(config::check_port_plan(root, config));
  return config;
}

Result<Config> load(const std::string& text, const std::string& name,
                    const std::filesystem::path& base) {
  const YAML::Node document = TRY(config::parse_yaml(text, name));
  Config config = TRY(read_config(ConfigNode(document, name), base));
  config.source_path = name;
  config::resolve_relative_paths(config, base);
  return config;
}

Result<std::string> read_file(const std::string& path) {
  constexpr std::string_view kNextStep =
      "expected a readable YAML file (check the path and its permissions)";
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    return fail(
        fmt::format("{}: cannot read the config file: it is a directory; {}", path, kNextStep));
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad()) {
    return fail(fmt::format("{}: cannot read the config file: {}; {}", path, std::strerror(errno),
                            kNextStep));
  }
  return text.str();
}

}  // namespace

Result<Config> load_config_file(const std::string& path) {
  const std::string text = TRY(read_file(path));
  std::error_code error;
  const std::filesystem::path absolute = std::filesystem::absolute(path, error);
  return load(text, path,
              error ? std::filesystem::path(path).parent_path() : absolute.parent_path());
}

Result<Config> load_config_text(const std::string& text, const std::string& name) {
  return load(text, name, std::filesystem::path(name).parent_path());
}

std::vector<std::string> config_key_paths() {
  config::KeyPaths keys;
  config::add_keys(kSections, "", keys);
  config::list_daemon_keys("daemon", keys);
  config::list_host_keys("hosts.*", keys);
  config::list_nginx_keys("nginx", keys);
  config::list_app_keys("defaults", keys);
  config::list_app_keys("apps.*", keys);
  config::list_accessory_keys("accessories.*", keys);
  config::list_environment_keys("environments.*", keys);
  return keys;
}

}  // namespace cutover
