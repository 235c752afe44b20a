#include "pipeline/traffic_watch.hpp"

#include <thread>

#include "core/verify_tally.hpp"
#include "deploy/event_log.hpp"
#include "docker/line_splitter.hpp"

namespace cutover {
namespace {

// Reads what nginx appended since the last call, on the machine nginx runs
// on. The file may not exist until nginx writes its first line.
class LogFollower {
 public:
  LogFollower(Machine& machine, std::string path, std::uint64_t offset)
      : machine_(machine), path_(std::move(path)), offset_(offset) {}

  void read_new(const LineSplitter::OnLine& on_line) {
    // Truncated since (rotated by hand): start from its beginning.
    const auto size = machine_.file_size(path_);
    if (!size || !*size) return;
    if (**size < offset_) offset_ = 0;
    while (offset_ < **size) {
      auto chunk = machine_.read_file_part(path_, offset_, kChunk);
      if (!chunk || !*chunk || (*chunk)->empty()) return;  // read again at the next poll
      offset_ += (*chunk)->size();
      lines_.feed(**chunk, on_line);
    }
  }

 private:
  static constexpr std::size_t kChunk = 1u << 20;
  Machine& machine_;
  std::string path_;
  std::uint64_t offset_;
  LineSplitter lines_;
};

}  // namespace

TrafficVerdict watch_traffic(const TrafficWatch& watch) {
  VerifyTally tally(watch.ports, watch.since_ms);
  LogFollower log(watch.machine, watch.log_path, watch.offset);
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
