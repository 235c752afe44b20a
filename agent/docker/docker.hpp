#pragma once
// The Docker Engine API as cutover needs it. An abstract interface so the
// deploy engine can be unit-tested with a fake; engine_client.cpp speaks to
// the real dockerd.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "util/result.hpp"

namespace cutover {

using Labels = std::map<std::string, std::string>;
// Receives the build context (a tar stream) chunk by chunk.
using ChunkSink = std::function<Status(std::string_view chunk)>;
// Writes the whole build context into the sink it is given.
using ContextProducer = std::function<Status(const ChunkSink& sink)>;
// Receives build output, one line (without newline) at a time.
using LineSink = std::function<void(std::string_view line)>;

struct BuildRequest {
  // cutover/<app>:<sha12>. Images carry no labels of cutover's: the tag
  // names them, and each label would cost the classic builder one more
  // container commit per build (issue 14: a third of the build step).
  std::string tag;
  std::string dockerfile = "Dockerfile";  // path inside the context
  std::map<std::string, std::string> args;
  std::string target;
  // Polled while the build runs; true abandons it (dockerd cancels a build
  // whose client went away). Empty: never.
  std::function<bool()> cancelled;
};

// One more port published on 127.0.0.1 only: host_port there reaches
// container_port inside. protocol: "tcp" or "udp".
struct PublishedPort {
  int container_port = 0;
  int host_port = 0;
  std::string protocol = "tcp";
};

struct ContainerSpec {
  std::string name;
  std::string image;
  Labels labels;
  std::vector<std::string> env;  // "KEY=value"
  std::vector<std::string> cmd;  // empty: the image's CMD
  int container_port = 0;
  int host_port = 0;                       // published on 127.0.0.1 only
  std::vector<PublishedPort> extra_ports;  // beside container_port, for accessories' several ports
  std::vector<std::string> binds;
  // A pipeline stage's throwaway container: no restart policy, nothing published.
  bool one_off = false;
  // A user-defined network to attach at create, where containers find each
  // other by name; "" = dockerd's default bridge.
  std::string network;
  std::vector<std::string> network_aliases;  // names this container answers to on `network`
};

struct ContainerInfo {
  std::string id;
  std::string name;   // without the leading slash
  std::string state;  // created|running|exited|...
  Labels labels;
};

class Docker {
 public:
  virtual ~Docker() = default;
  virtual Result<bool> image_exists(const std::string& tag) = 0;
  // Builds with the layer cache and never pulls; log lines go to on_line.
  virtual Status build(const BuildRequest& request, const ContextProducer& context,
                       const LineSink& on_line) = 0;
  // Created with Init, restart policy unless-stopped, never pulled.
  virtual Result<std::string> create_container(const ContainerSpec& spec) = 0;
  virtual Status start_container(const std::string& id) = 0;
  // SIGTERM, then SIGKILL after timeout. Stopping a stopped container is ok.
  virtual Status stop_container(const std::string& id, Millis timeout) = 0;
  // Removing a missing container is ok.
  virtual Status remove_container(const std::string& id) = 0;
  // All containers (running or not) carrying every label in filter
  // (an empty value matches any value of that label).
  virtual Result<std::vector<ContainerInfo>> list_containers(const Labels& filter) = 0;
  virtual Result<std::string> container_logs(const std::string& id, int tail_lines) = 0;
  // Streams a started container's output (stdout and stderr, one line at a
  // time) until it exits. Its exit code, or nullopt when `timeout` passed
  // first (the container is then still running).
  virtual Result<std::optional<int>> follow_until_exit(const std::string& id, Millis timeout,
                                                       const LineSink& on_line) = 0;
  // Removing a missing image is ok.
  virtual Status remove_image(const std::string& tag) = 0;
  // The image and its layers as `docker save` writes them, into sink
  // chunk by chunk (GET /images/<tag>/get).
  virtual Status save_image(const std::string& tag, const ChunkSink& sink) = 0;
  // Adds the images of a `docker save` stream (POST /images/load): how an
  // image built here reaches another host without a registry or a pull.
  virtual Status load_image(const ContextProducer& archive) = 0;
  // Creates a bridge network of that name unless one exists. Safe to race:
  // a network created meanwhile by someone else counts as success.
  virtual Status ensure_network(const std::string& name, const Labels& labels) = 0;
};

// endpoint: "unix:///var/run/docker.sock". Negotiates the API version with
// the daemon; fails with an error naming the socket when it does not answer.
Result<std::unique_ptr<Docker>> connect_docker(const std::string& endpoint);
// Where dockerd's socket is reached, asked for at every call: the local end
// of an SSH forward to a host's Engine socket, opened again after it was
// closed idle or its connection dropped. endpoint names it in errors.
using DockerSocket = std::function<Result<std::string>()>;
Result<std::unique_ptr<Docker>> connect_docker(DockerSocket socket, const std::string& endpoint);

}  // namespace cutover
