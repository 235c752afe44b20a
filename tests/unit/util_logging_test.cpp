#include "util/logging.hpp"

#include <regex>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

namespace cutover {
namespace {

TEST(LogFields, NestAndUnwindPerThread) {
  EXPECT_EQ(LogFields::current(), nullptr);
  {
    LogFields outer(nlohmann::json{{"app", "web"}});
    ASSERT_NE(LogFields::current(), nullptr);
    EXPECT_EQ(LogFields::current()->at("app"), "web");
    {
      LogFields inner(nlohmann::json{{"app", "api"}, {"step", "build"}});
      EXPECT_EQ(LogFields::current()->at("app"), "api");
    }
    EXPECT_EQ(LogFields::current()->at("app"), "web");
    EXPECT_FALSE(LogFields::current()->contains("step"));
  }
  EXPECT_EQ(LogFields::current(), nullptr);
}

std::string formatted(bool to_journal, spdlog::level::level_enum level, const std::string& text) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(text_log_formatter(to_journal));
  spdlog::logger logger("test", sink);
  logger.set_level(spdlog::level::trace);
  logger.log(level, text);
  return out.str();
}

TEST(TextLogFormatter, JournalLinesStartWithTheirSyslogPriority) {
  EXPECT_EQ(formatted(true, spdlog::level::err, "nginx -t failed"), "<3>error nginx -t failed\n");
  EXPECT_EQ(formatted(true, spdlog::level::warn, "x"), "<4>warning x\n");
  EXPECT_EQ(formatted(true, spdlog::level::info, "x"), "<6>info x\n");
  EXPECT_EQ(formatted(true, spdlog::level::debug, "x"), "<7>debug x\n");
}

TEST(TextLogFormatter, TerminalLinesStartWithATimestamp) {
  auto line = formatted(false, spdlog::level::info, "ready");
  EXPECT_TRUE(std::regex_match(line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3} info ready\n)"))) << line;
}

}  // namespace
}  // namespace cutover
