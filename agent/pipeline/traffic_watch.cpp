#include "pipeline/traffic_watch.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "core/verify_tally.hpp"
#include "deploy/event_log.hpp"
#include "docker/line_splitter.hpp"

namespace cutover {
namespace {

using File = std::unique_ptr<std::FILE, decltype(&std::fclose)>;

// Reads what nginx appended since the last call. The file may not exist
// until nginx writes its first line.
class LogFollower {
 public:
  LogFollower(std::string path, std::uintmax_t offset) : path_(std::move(path)), offset_(offset) {}

  void read_new(const LineSplitter::OnLine& on_line) {
    if (!file_) {
      file_ = File(std::fopen(path_.c_str(), "rb"), &std::fclose);
      if (!file_) return;
      // Truncated since (rotated by hand): start from its beginning.
      if (file_size_or_zero(path_) < offset_) offset_ = 0;
      std::fseek(file_.get(), static_cast<long>(offset_), SEEK_SET);
    }
    char buffer[64 * 1024];
    std::size_t got = 0;
    while ((got = std::fread(buffer, 1, sizeof buffer, file_.get())) > 0) lines_.feed({buffer, got}, on_line);
    std::clearerr(file_.get());  // at the end for now; nginx appends more later
  }

 private:
  std::string path_;
  std::uintmax_t offset_;
  File file_{nullptr, &std::fclose};
  LineSplitter lines_;
};

}  // namespace

std::uintmax_t file_size_or_zero(const std::string& path) {
  std::error_code error;
  auto size = std::filesystem::file_size(path, error);
  return error ? 0 : size;
}

TrafficVerdict watch_traffic(const TrafficWatch& watch) {
  VerifyTally tally(watch.ports, watch.since_ms);
  LogFollower log(watch.log_path, watch.offset);
  const TimestampMs until = watch.since_ms + watch.spec.window.count();
  for (;;) {
    const bool window_over = now_ms() >= until;
    log.read_new([&](std::string_view line) {
      if (auto record = parse_access_record(line)) tally.add(*record);
    });
    if (auto problem = tally.problem(watch.spec)) return {problem, tally.summary()};
    if (window_over) return {std::nullopt, tally.summary()};
    std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(
        watch.poll, std::chrono::milliseconds(std::max<TimestampMs>(1, until - now_ms()))));
  }
}

}  // namespace cutover
