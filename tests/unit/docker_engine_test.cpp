// The Engine API client against the real dockerd on /var/run/docker.sock.
// Skipped when no daemon answers, unless CUTOVER_REQUIRE_DOCKER=1.
#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "docker/docker.hpp"
#include "util/http.hpp"

namespace cutover {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kEndpoint = "unix:///var/run/docker.sock";
constexpr std::string_view kSocket = "/var/run/docker.sock";
const Labels kTestLabels = {{"cutover.test", "docker_engine_test"}};

struct TarFile {
  std::string path;
  std::string content;
};

// Writes files as a tar stream into the sink chunk by chunk, the way the git
// tree streamer feeds a build.
Status write_tar(const std::vector<TarFile>& files, const ChunkSink& sink) {
  struct Output {
    const ChunkSink& sink;
    Status status;
  } output{sink, {}};
  const auto write = [](archive* tar, void* data, const void* bytes, std::size_t size) -> la_ssize_t {
    auto& out = *static_cast<Output*>(data);
    out.status = out.sink(std::string_view(static_cast<const char*>(bytes), size));
    if (out.status) return static_cast<la_ssize_t>(size);
    archive_set_error(tar, EIO, "%s", out.status.error().message.c_str());
    return -1;
  };
  const std::unique_ptr<archive, decltype(&archive_write_free)> tar(archive_write_new(), &archive_write_free);
  archive_write_set_format_ustar(tar.get());
  archive_write_open2(tar.get(), &output, nullptr, write, nullptr, nullptr);
  // The sink's own error says more than libarchive's echo of it.
  const auto failure = [&]() -> Status {
    if (!output.status) return output.status;
    const char* why = archive_error_string(tar.get());
    return fail(why != nullptr ? why : "libarchive could not write the tar");
  };
  for (const auto& file : files) {
    const std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(entry.get(), file.path.c_str());
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(file.content.size()));
    if (archive_write_header(tar.get(), entry.get()) != ARCHIVE_OK ||
        archive_write_data(tar.get(), file.content.data(), file.content.size()) < 0) {
      return failure();
    }
  }
  if (archive_write_close(tar.get()) != ARCHIVE_OK) return failure();
  return {};
}

ContextProducer tar_context(std::vector<TarFile> files) {
  return [files = std::move(files)](const ChunkSink& sink) { return write_tar(files, sink); };
}

bool docker_required() {
  const char* value = std::getenv("CUTOVER_REQUIRE_DOCKER");
  return value != nullptr && std::string_view(value) == "1";
}

// The runnable image (busybox + the test app) that tests/fixtures builds.
const std::string kRunnableImage = "cutover-test-base:latest";

// A port nobody listens on right now; good enough for a test.
int free_loopback_port() {
  const int probe = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bind(probe, reinterpret_cast<sockaddr*>(&address), length);
  getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length);
  close(probe);
  return ntohs(address.sin_port);
}

// Raw inspection, independent of the client under test.
nlohmann::json inspect(const std::string& kind, const std::string& name) {
  HttpRequest request;
  request.url = fmt::format("http://localhost/v1.41/{}/{}/json", kind, name);
  request.unix_socket = std::string(kSocket);
  request.timeout = 30s;
  const auto answer = http_request(request);
  if (!answer || answer->status != 200) return nullptr;
  return nlohmann::json::parse(answer->body, nullptr, false);
}

std::string unique_suffix() {
  static int counter = 0;
  return fmt::format("{}-{}", getpid(), ++counter);
}

class DockerEngine : public testing::Test {
 protected:
  void SetUp() override {
    auto connected = connect_docker(std::string(kEndpoint));
    if (!connected) {
      if (docker_required()) FAIL() << connected.error().message;
      GTEST_SKIP() << connected.error().message;
    }
    docker_ = std::move(*connected);
  }

  // Containers and images go even when an assertion failed half-way.
  void TearDown() override {
    if (!docker_) return;
    for (const auto& name : containers_) EXPECT_TRUE(docker_->remove_container(name)) << name;
    for (const auto& tag : images_) EXPECT_TRUE(docker_->remove_image(tag)) << tag;
  }

  std::string new_image_tag() {
    images_.push_back(fmt::format("cutover-test/docker-engine-test:{}", unique_suffix()));
    return images_.back();
  }

  std::string new_container_name() {
    containers_.push_back(fmt::format("cutover-docker-engine-test-{}", unique_suffix()));
    return containers_.back();
  }

  Status build(const std::string& tag, std::vector<TarFile> files, std::vector<std::string>* lines = nullptr) {
    BuildRequest request;
    request.tag = tag;
    return docker_->build(request, tar_context(std::move(files)), [lines](std::string_view line) {
      if (lines != nullptr) lines->emplace_back(line);
    });
  }

  // A pipeline stage's container running `script` in the runnable image.
  ContainerSpec one_off(const std::string& script) {
    ContainerSpec spec;
    spec.name = new_container_name();
    spec.image = kRunnableImage;
    spec.labels = kTestLabels;
    spec.cmd = {"/bin/sh", "-c", script};
    spec.one_off = true;
    return spec;
  }

  bool has_image(const std::string& name) {
    const auto exists = docker_->image_exists(name);
    EXPECT_TRUE(exists) << exists.error().message;
    return exists.value_or(false);
  }

  std::unique_ptr<Docker> docker_;
  std::vector<std::string> containers_;
  std::vector<std::string> images_;
};

TEST(ConnectDocker, UnreachableSocketIsNamedWithAHint) {
  const auto docker = connect_docker("unix:///nonexistent/docker.sock");
  ASSERT_FALSE(docker);
  const std::string& message = docker.error().message;
  EXPECT_TRUE(message.starts_with("docker: cannot reach the Docker daemon at unix:///nonexistent/docker.sock: "))
      << message;
  EXPECT_NE(message.find("is dockerd running and is the socket readable by this user?"), std::string::npos) << message;
}

TEST(ConnectDocker, OnlyUnixEndpointsForNow) {
  const auto docker = connect_docker("tcp://127.0.0.1:2375");
  ASSERT_FALSE(docker);
  EXPECT_NE(docker.error().message.find("only unix:// docker endpoints are supported for now"), std::string::npos)
      << docker.error().message;
}

TEST_F(DockerEngine, BuildsAStreamedContextInTheDockerfilesOwnStepsAndRemovesTheImage) {
  const std::string tag = new_image_tag();
  std::vector<std::string> lines;

  const Status built = build(tag, {{"Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\nLABEL x=y\n"},
                                   {"hello.txt", "hello from cutover\n"}},
                             &lines);

  ASSERT_TRUE(built) << built.error().message;
  EXPECT_TRUE(has_image(tag));
  ASSERT_FALSE(lines.empty());
  // No step of cutover's own: each would cost a container commit.
  EXPECT_EQ(lines.front(), "Step 1/3 : FROM scratch");
  for (const auto& line : lines) EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  const auto image = inspect("images", tag);
  EXPECT_EQ(image["Config"]["Labels"]["x"], "y");
  EXPECT_EQ(image["Config"]["Labels"].size(), 1u) << image["Config"]["Labels"].dump();

  ASSERT_TRUE(docker_->remove_image(tag));
  EXPECT_FALSE(has_image(tag));
  EXPECT_TRUE(docker_->remove_image(tag)) << "removing a missing image is ok";
}

TEST_F(DockerEngine, StreamsAContextLargerThanThePipe) {
  const std::string tag = new_image_tag();
  // Four times the client's in-memory pipe, and random enough to defeat nothing.
  std::string big(16 * 1024 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);

  const Status built = build(tag, {{"Dockerfile", "FROM scratch\nCOPY big.bin /big.bin\n"}, {"big.bin", big}});

  ASSERT_TRUE(built) << built.error().message;
  const auto image = inspect("images", tag);
  EXPECT_EQ(image["Size"], big.size());
}

TEST_F(DockerEngine, FailedBuildReportsTheBuildersMessageAndLastLines) {
  const std::string tag = new_image_tag();

  const Status built = build(tag, {{"Dockerfile", "FROM scratch\nCOPY missing.txt /x\n"}});

  ASSERT_FALSE(built);
  const std::string& message = built.error().message;
  EXPECT_TRUE(message.starts_with(fmt::format("docker build {}: ", tag))) << message;
  EXPECT_NE(message.find("missing.txt"), std::string::npos) << message;
  EXPECT_NE(message.find("last build output: "), std::string::npos) << message;
  EXPECT_NE(message.find(": COPY missing.txt /x"), std::string::npos) << message;
  EXPECT_FALSE(has_image(tag));
}

TEST_F(DockerEngine, ContextProducerFailureAbortsTheBuild) {
  const std::string tag = new_image_tag();
  const ContextProducer failing = [](const ChunkSink& sink) -> Status {
    TRY(write_tar({{"Dockerfile", "FROM scratch\nCOPY a /a\n"}, {"a", std::string(1 << 20, 'a')}}, sink));
    return fail("git: object 1234abcd is missing from the mirror");
  };
  BuildRequest request;
  request.tag = tag;

  const Status built = docker_->build(request, failing, nullptr);

  ASSERT_FALSE(built);
  EXPECT_NE(built.error().message.find(tag), std::string::npos) << built.error().message;
  EXPECT_NE(built.error().message.find("git: object 1234abcd is missing"), std::string::npos) << built.error().message;
  EXPECT_FALSE(has_image(tag));
}

TEST_F(DockerEngine, CreateWithAMissingImageSaysCutoverNeverPulls) {
  ContainerSpec spec;
  spec.name = new_container_name();
  spec.image = "cutover-test/never-built:0000";
  spec.labels = kTestLabels;

  const auto created = docker_->create_container(spec);

  ASSERT_FALSE(created);
  const std::string& message = created.error().message;
  EXPECT_NE(message.find(spec.name), std::string::npos) << message;
  EXPECT_NE(message.find("image cutover-test/never-built:0000 is not on this host"), std::string::npos) << message;
  EXPECT_NE(message.find("never pulls"), std::string::npos) << message;
  EXPECT_FALSE(has_image(spec.image));
}

TEST_F(DockerEngine, MissingContainersAreAlreadyStoppedAndRemoved) {
  EXPECT_TRUE(docker_->stop_container("cutover-docker-engine-test-absent", 1s));
  EXPECT_TRUE(docker_->remove_container("cutover-docker-engine-test-absent"));
  const auto logs = docker_->container_logs("cutover-docker-engine-test-absent", 10);
  ASSERT_FALSE(logs);
  EXPECT_NE(logs.error().message.find("docker logs cutover-docker-engine-test-absent: "), std::string::npos)
      << logs.error().message;
}

TEST_F(DockerEngine, ImageExistsIsQuick) {
  const std::string tag = new_image_tag();
  ASSERT_TRUE(build(tag, {{"Dockerfile", "FROM scratch\nLABEL quick=yes\n"}}));
  constexpr int kCalls = 50;

  const auto started = Clock::now();
  for (int i = 0; i < kCalls; ++i) ASSERT_TRUE(has_image(tag));
  const auto per_call = (Clock::now() - started) / kCalls;

  std::cout << "[ timing   ] image_exists: "
            << std::chrono::duration_cast<std::chrono::microseconds>(per_call).count() << " us per call\n";
  EXPECT_LT(per_call, 500ms);
}

TEST_F(DockerEngine, ContainerLifecyclePublishesOnLoopbackOnly) {
  const std::string& image = kRunnableImage;
  if (!has_image(image)) GTEST_SKIP() << image << " is not built on this host (tests/fixtures makes it)";
  ContainerSpec spec;
  spec.name = new_container_name();
  spec.image = image;
  spec.labels = kTestLabels;
  spec.labels["cutover.run"] = spec.name;
  spec.env = {"CUTOVER_TEST_GREETING=hello-from-env"};
  spec.cmd = {"/bin/sh", "-c", "echo \"$CUTOVER_TEST_GREETING\"; echo to-stderr >&2; exec sleep 60"};
  spec.container_port = 8080;
  spec.host_port = free_loopback_port();

  const auto create_started = Clock::now();
  const auto id = docker_->create_container(spec);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(docker_->start_container(*id));
  const auto create_and_start_took = Clock::now() - create_started;
  EXPECT_TRUE(docker_->start_container(*id)) << "starting a running container is ok";

  const auto listed = docker_->list_containers({{"cutover.test", ""}, {"cutover.run", spec.name}});
  ASSERT_TRUE(listed) << listed.error().message;
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, *id);
  EXPECT_EQ((*listed)[0].name, spec.name);
  EXPECT_EQ((*listed)[0].state, "running");
  EXPECT_EQ((*listed)[0].labels.at("cutover.test"), "docker_engine_test");

  const auto inspected = inspect("containers", *id);
  EXPECT_EQ(inspected["HostConfig"]["Init"], true);
  EXPECT_EQ(inspected["HostConfig"]["RestartPolicy"]["Name"], "unless-stopped");
  const auto published = inspected["NetworkSettings"]["Ports"]["8080/tcp"];
  ASSERT_TRUE(published.is_array()) << inspected["NetworkSettings"].dump();
  ASSERT_EQ(published.size(), 1u) << "published on one address only: " << published.dump();
  EXPECT_EQ(published[0]["HostIp"], "127.0.0.1");
  EXPECT_EQ(published[0]["HostPort"], std::to_string(spec.host_port));

  std::string logs;
  for (auto deadline = Clock::now() + 10s; logs.find("to-stderr") == std::string::npos && Clock::now() < deadline;) {
    std::this_thread::sleep_for(50ms);
    logs = docker_->container_logs(*id, 10).value_or("");
  }
  EXPECT_NE(logs.find("hello-from-env\n"), std::string::npos) << logs;
  EXPECT_NE(logs.find("to-stderr\n"), std::string::npos) << logs;
  EXPECT_EQ(logs.find('\0'), std::string::npos) << "frame headers left in the logs";

  const auto stop_started = Clock::now();
  ASSERT_TRUE(docker_->stop_container(*id, 5s));
  const auto stop_took = Clock::now() - stop_started;
  EXPECT_LT(stop_took, 4s) << "sleep should end on SIGTERM forwarded by the init process";
  EXPECT_TRUE(docker_->stop_container(*id, 5s)) << "stopping a stopped container is ok";
  const auto stopped = docker_->list_containers({{"cutover.run", spec.name}});
  ASSERT_TRUE(stopped);
  ASSERT_EQ(stopped->size(), 1u);
  EXPECT_EQ((*stopped)[0].state, "exited");

  const auto remove_started = Clock::now();
  ASSERT_TRUE(docker_->remove_container(*id));
  const auto remove_took = Clock::now() - remove_started;
  const auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::cout << "[ timing   ] create+start " << ms(create_and_start_took) << " ms, stop " << ms(stop_took)
            << " ms, remove " << ms(remove_took) << " ms: cycle "
            << ms(create_and_start_took + stop_took + remove_took) << " ms\n";
  const auto gone = docker_->list_containers({{"cutover.run", spec.name}});
  ASSERT_TRUE(gone);
  EXPECT_TRUE(gone->empty());
}

// What a pipeline stage does: run a command once, stream its output, get its exit code.
TEST_F(DockerEngine, AOneOffContainerIsFollowedToItsExitCode) {
  if (!has_image(kRunnableImage)) GTEST_SKIP() << kRunnableImage << " is not built on this host";
  ContainerSpec spec = one_off("echo \"running $STAGE\"; echo oops >&2; printf 'no newline'; exit 7");
  spec.env = {"STAGE=test"};
  const auto id = docker_->create_container(spec);
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(inspect("containers", *id)["HostConfig"]["RestartPolicy"]["Name"], "no");
  ASSERT_TRUE(docker_->start_container(*id));
  std::vector<std::string> lines;
  const auto code = docker_->follow_until_exit(*id, 20s, [&](std::string_view line) { lines.emplace_back(line); });
  ASSERT_TRUE(code) << code.error().message;
  ASSERT_TRUE(*code);
  EXPECT_EQ(**code, 7);
  // stdout and stderr are separate pipes: their relative order is not kept.
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(lines, (std::vector<std::string>{"no newline", "oops", "running test"}));
}

TEST_F(DockerEngine, FollowingStopsAtTheTimeoutWhileTheContainerRuns) {
  if (!has_image(kRunnableImage)) GTEST_SKIP() << kRunnableImage << " is not built on this host";
  const ContainerSpec spec = one_off("echo started; exec sleep 60");
  const auto id = docker_->create_container(spec);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(docker_->start_container(*id));
  std::vector<std::string> lines;
  const auto started = Clock::now();
  const auto code = docker_->follow_until_exit(*id, 1500ms, [&](std::string_view line) { lines.emplace_back(line); });
  const auto took = Clock::now() - started;
  ASSERT_TRUE(code) << code.error().message;
  EXPECT_FALSE(*code) << "still running: no exit code";
  EXPECT_GE(took, 1400ms);
  EXPECT_LT(took, 5s);
  EXPECT_EQ(lines, (std::vector<std::string>{"started"}));
  EXPECT_TRUE(docker_->stop_container(*id, 0ms));
}

TEST_F(DockerEngine, NameConflictNamesTheContainer) {
  const std::string& image = kRunnableImage;
  if (!has_image(image)) GTEST_SKIP() << image << " is not built on this host (tests/fixtures makes it)";
  ContainerSpec spec;
  spec.name = new_container_name();
  spec.image = image;
  spec.labels = kTestLabels;
  ASSERT_TRUE(docker_->create_container(spec));

  const auto again = docker_->create_container(spec);

  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find(fmt::format("a container named {} already exists", spec.name)),
            std::string::npos)
      << again.error().message;
}

TEST_F(DockerEngine, ImageOfAContainerIsNotRemovedUnderIt) {
  const std::string& image = kRunnableImage;
  if (!has_image(image)) GTEST_SKIP() << image << " is not built on this host (tests/fixtures makes it)";
  // A tag of its own, so that the shared base image is never touched.
  const std::string tag = new_image_tag();
  ASSERT_TRUE(build(tag, {{"Dockerfile", fmt::format("FROM {}\nLABEL derived=yes\n", image)}}));
  ContainerSpec spec;
  spec.name = new_container_name();
  spec.image = tag;
  spec.labels = kTestLabels;
  spec.cmd = {"/bin/sh", "-c", "exec sleep 60"};
  const auto id = docker_->create_container(spec);
  ASSERT_TRUE(id) << id.error().message;
  ASSERT_TRUE(docker_->start_container(*id));

  const Status removed_while_running = docker_->remove_image(tag);
  ASSERT_TRUE(docker_->stop_container(*id, 1s));
  const Status removed_while_stopped = docker_->remove_image(tag);

  for (const Status& removed : {removed_while_running, removed_while_stopped}) {
    ASSERT_FALSE(removed);
    EXPECT_TRUE(removed.error().message.starts_with(fmt::format("docker rmi {}: dockerd answered HTTP 409", tag)))
        << removed.error().message;
    EXPECT_NE(removed.error().message.find("stop and remove the containers that use it first"), std::string::npos)
        << removed.error().message;
  }
  EXPECT_TRUE(has_image(tag));
  ASSERT_TRUE(docker_->remove_container(*id));
  EXPECT_TRUE(docker_->remove_image(tag));
  EXPECT_FALSE(has_image(tag));
}

}  // namespace
}  // namespace cutover

namespace cutover {
namespace {

// What crosses to a host: the saved stream of an image, loaded back under
// its tag after the tag was gone, and the same bytes as a second save.
TEST_F(DockerEngine, AnImageSavedAndLoadedComesBackUnderItsTag) {
  const std::string tag = new_image_tag();
  ASSERT_TRUE(build(tag, {{"Dockerfile", "FROM scratch\nCOPY hello.txt /hello.txt\n"}, {"hello.txt", "saved\n"}}));
  std::string saved;
  ASSERT_TRUE(docker_->save_image(tag, [&](std::string_view chunk) -> Status {
    saved += chunk;
    return {};
  }));
  EXPECT_GT(saved.size(), 512u);  // a tar: at least its header and the layer
  ASSERT_TRUE(docker_->remove_image(tag));
  ASSERT_FALSE(has_image(tag));
  const Status loaded = docker_->load_image([&](const ChunkSink& sink) { return sink(saved); });
  ASSERT_TRUE(loaded) << loaded.error().message;
  EXPECT_TRUE(has_image(tag));

  const Status garbage = docker_->load_image([](const ChunkSink& sink) { return sink("not a tar stream"); });
  EXPECT_FALSE(garbage);
}

}  // namespace
}  // namespace cutover
