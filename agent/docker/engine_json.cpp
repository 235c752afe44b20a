#include "docker/engine_json.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "docker/json_text.hpp"

namespace cutover {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxQuotedBody = 300;

// Every published port, the app's single one first.
std::vector<PublishedPort> published_ports(const ContainerSpec& spec) {
  std::vector<PublishedPort> ports;
  if (spec.container_port > 0) ports.push_back(PublishedPort{spec.container_port, spec.host_port, "tcp"});
  ports.insert(ports.end(), spec.extra_ports.begin(), spec.extra_ports.end());
  return ports;
}

void publish_ports(json& body, const ContainerSpec& spec) {
  const auto ports = published_ports(spec);
  if (ports.empty()) return;
  json exposed = json::object();
  json bindings = json::object();
  for (const auto& published : ports) {
    const std::string port = fmt::format("{}/{}", published.container_port, published.protocol);
    exposed[port] = json::object();
    // 127.0.0.1 only: apps are reached through nginx, accessories from this
    // host and the cutover network, never directly from outside.
    bindings[port].push_back({{"HostIp", "127.0.0.1"}, {"HostPort", std::to_string(published.host_port)}});
  }
  body["ExposedPorts"] = exposed;
  body["HostConfig"]["PortBindings"] = bindings;
}

// Attached at create, so the container is never up on the default bridge
// without the names its peers reach it by.
void attach_network(json& body, const ContainerSpec& spec) {
  if (spec.network.empty()) return;
  body["HostConfig"]["NetworkMode"] = spec.network;
  body["NetworkingConfig"]["EndpointsConfig"][spec.network] = {{"Aliases", json(spec.network_aliases)}};
}

Labels labels_of(const json& container) {
  Labels labels;
  const auto found = container.find("Labels");
  if (found == container.end() || !found->is_object()) return labels;
  for (const auto& [key, value] : found->items()) {
    if (value.is_string()) labels[key] = value.get<std::string>();
  }
  return labels;
}

std::string first_name(const json& container) {
  const auto names = container.find("Names");
  if (names == container.end() || !names->is_array() || names->empty() || !names->front().is_string()) return {};
  std::string name = names->front().get<std::string>();
  if (name.starts_with('/')) name.erase(0, 1);
  return name;
}

}  // namespace

std::string container_create_body(const ContainerSpec& spec) {
  json body = {
      {"Image", spec.image},
      {"Labels", json(spec.labels)},
      {"Env", json(spec.env)},
      {"HostConfig",
       {{"Init", true},
        {"RestartPolicy", {{"Name", spec.one_off ? "no" : "unless-stopped"}}},
        {"Binds", json(spec.binds)}}},
  };
  if (!spec.cmd.empty()) body["Cmd"] = spec.cmd;
  publish_ports(body, spec);
  attach_network(body, spec);
  return body.dump();
}

std::string network_create_body(const std::string& name, const Labels& labels) {
  // CheckDuplicate: dockerd before API 1.44 otherwise creates a second
  // network of the same name; it answers 409 instead.
  return json{{"Name", name}, {"Driver", "bridge"}, {"CheckDuplicate", true}, {"Labels", json(labels)}}.dump();
}

std::string label_filters(const Labels& filter) {
  json labels = json::array();
  for (const auto& [key, value] : filter) labels.push_back(value.empty() ? key : fmt::format("{}={}", key, value));
  return json{{"label", labels}}.dump();
}

Result<std::vector<ContainerInfo>> parse_container_list(std::string_view body) {
  const auto list = json::parse(body, nullptr, false);
  if (!list.is_array()) return fail(fmt::format("unexpected container list from dockerd: {:.{}}", body, kMaxQuotedBody));
  std::vector<ContainerInfo> containers;
  for (const auto& container : list) {
    containers.push_back(ContainerInfo{.id = text_at(container, "Id"),
                                       .name = first_name(container),
                                       .state = text_at(container, "State"),
                                       .labels = labels_of(container)});
  }
  return containers;
}

Result<std::string> parse_created_id(std::string_view body) {
  std::string id = text_at(json::parse(body, nullptr, false), "Id");
  if (id.empty()) return fail(fmt::format("dockerd created a container but named no Id: {:.{}}", body, kMaxQuotedBody));
  return id;
}

Result<int> parse_exit_code(std::string_view body) {
  const auto answer = json::parse(body, nullptr, false);
  if (!answer.is_object() || !answer.contains("StatusCode") || !answer["StatusCode"].is_number_integer())
    return fail(fmt::format("dockerd named no exit code: {:.{}}", body, kMaxQuotedBody));
  return answer["StatusCode"].get<int>();
}

std::string answer_message(const HttpResponse& response) {
  std::string message = text_at(json::parse(response.body, nullptr, false), "message");
  if (message.empty()) message = response.body.substr(0, kMaxQuotedBody);
  while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back()))) message.pop_back();
  return fmt::format("dockerd answered HTTP {}: {}", response.status, message);
}

}  // namespace cutover
