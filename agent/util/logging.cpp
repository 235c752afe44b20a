#include "util/logging.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace cutover {
namespace {

thread_local const nlohmann::json* current_fields = nullptr;

// sd-daemon's <N> prefixes, by spdlog level (trace and debug are both debug).
class JournalPriorityFlag : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
    static constexpr const char* kPriority[] = {"<7>", "<7>", "<6>", "<4>", "<3>", "<2>", "<6>"};
    std::string_view prefix = kPriority[static_cast<int>(msg.level)];
    dest.append(prefix.data(), prefix.data() + prefix.size());
  }
  std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<JournalPriorityFlag>(); }
};

std::string utc_timestamp(std::chrono::system_clock::time_point tp) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", fmt::gmtime(std::chrono::system_clock::to_time_t(tp)), ms);
}

// One JSON object per line, so log shippers need no parsing rules.
class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    nlohmann::json line{
        {"time", utc_timestamp(msg.time)},
        {"level", std::string(spdlog::level::to_string_view(msg.level).data())},
        {"msg", std::string(msg.payload.data(), msg.payload.size())}};
    if (const auto* fields = LogFields::current())
      for (const auto& [key, value] : fields->items()) line.emplace(key, value);
    std::fputs((line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n").c_str(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

Status setup_logging(const std::string& level, const std::string& format) {
  auto parsed = spdlog::level::from_str(level == "warn" ? "warning" : level);
  std::shared_ptr<spdlog::logger> logger;
  if (format == "json") {
    logger = std::make_shared<spdlog::logger>("cutoverd", std::make_shared<JsonStderrSink>());
  } else {
    logger = std::make_shared<spdlog::logger>("cutoverd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
    // systemd sets JOURNAL_STREAM when stderr goes to the journal.
    bool to_journal = std::getenv("JOURNAL_STREAM") != nullptr;
    logger->set_formatter(text_log_formatter(to_journal));
  }
  logger->set_level(parsed);
  logger->flush_on(spdlog::level::trace);
  spdlog::set_default_logger(logger);
  return {};
}

LogFields::LogFields(nlohmann::json fields) : fields_(std::move(fields)), outer_(current_fields) {
  current_fields = &fields_;
}

LogFields::~LogFields() { current_fields = outer_; }

const nlohmann::json* LogFields::current() { return current_fields; }

std::unique_ptr<spdlog::formatter> text_log_formatter(bool to_journal) {
  auto formatter = std::make_unique<spdlog::pattern_formatter>();
  formatter->add_flag<JournalPriorityFlag>('*').set_pattern(to_journal ? "%*%l %v"
                                                                        : "%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  return formatter;
}

}  // namespace cutover
