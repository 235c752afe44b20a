// Reconciler cost (issue 4): N environments, each with its own app, time
// zone, wake/sleep schedule and a scale rule, evaluated in one pass. The
// actuator does nothing, so the numbers are the reconciler's own: desired
// state from the cron schedules, holds, next instants. Prints JSON.
//
//   build/bench/reconciler_pass [--environments 10000] [--passes 20]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "envs/reconciler.hpp"

namespace {

using namespace cutover;

class IdleActuator : public envs::Actuator {
 public:
  Status put_to_sleep(const EnvironmentConfig&, const AppConfig&, const std::string&) override { return {}; }
  Result<envs::WakeTimings> bring_up(const EnvironmentConfig&, const AppConfig&, int) override {
    return envs::WakeTimings{};
  }
  std::uintmax_t traffic_mark(const AppConfig&) override { return 0; }
};

// Zones with and without daylight saving, half-hour shifts included.
const char* const kZones[] = {"UTC",           "Asia/Seoul",         "America/New_York", "Europe/Berlin",
                              "Australia/Lord_Howe", "Asia/Kolkata", "America/Los_Angeles", "Pacific/Auckland"};
const char* const kWakes[] = {"0 9 * * 1-5", "30 8 * * MON-FRI", "0 7 * * *", "*/30 6-8 * * 1-5", "@daily"};
const char* const kSleeps[] = {"0 19 * * 1-5", "0 20 * * MON-FRI", "0 23 * * *", "15 18 * * 1-5", "0 12 * * *"};

std::shared_ptr<Config> make_config(int environments) {
  auto config = std::make_shared<Config>();
  for (int i = 0; i < environments; ++i) {
    AppConfig app;
    app.name = fmt::format("app-{}", i);
    config->apps[app.name] = app;
    EnvironmentConfig env;
    env.name = fmt::format("env-{}", i);
    env.apps = {app.name};
    env.timezone = kZones[i % std::size(kZones)];
    env.wake = kWakes[i % std::size(kWakes)];
    env.sleep = kSleeps[(i / 3) % std::size(kSleeps)];
    env.idle_sleep = Millis{i % 4 == 0 ? 600000 : 0};
    env.scale = {ScaleRule{"30 11 * * *", 2 + i % 3}, ScaleRule{"30 14 * * *", 1}};
    config->environments[env.name] = env;
  }
  return config;
}

int argument(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);  // one info line per environment would be the cost measured
  const int environments = argument(argc, argv, "--environments", 10000);
  const int passes = argument(argc, argv, "--passes", 20);
  auto dir = std::filesystem::temp_directory_path() / fmt::format("cutover-bench-reconciler-{}", getpid());
  std::filesystem::create_directories(dir);
  auto store = Store::open((dir / "state.db").string());
  if (!store) {
    std::fprintf(stderr, "reconciler_pass: %s\n", store.error().message.c_str());
    return 1;
  }
  auto config = make_config(environments);
  IdleActuator actuator;
  // Tuesday 2026-11-24 10:00 UTC: some zones are in working hours, some not.
  TimestampMs now = 1795514400000;
  envs::Reconciler reconciler(envs::ReconcilerParts{[&] { return std::shared_ptr<const Config>(config); }, **store,
                                                    actuator, [&] { return now; }, true, Millis{30000},
                                                    Millis{5000}});
  if (auto loaded = reconciler.load(); !loaded) {
    std::fprintf(stderr, "reconciler_pass: %s\n", loaded.error().message.c_str());
    return 1;
  }
  reconciler.pass();  // the start-up pass converges every environment once; not timed
  std::vector<double> ms;
  for (int i = 0; i < passes; ++i) {
    now += 1000;
    auto started = std::chrono::steady_clock::now();
    reconciler.pass();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
  }
  std::sort(ms.begin(), ms.end());
  std::filesystem::remove_all(dir);
  fmt::print("{{\"environments\": {}, \"passes\": {}, \"pass_ms_median\": {:.2f}, \"pass_ms_max\": {:.2f}, "
             "\"target_ms\": 50, \"per_environment_us\": {:.2f}}}\n",
             environments, passes, ms[ms.size() / 2], ms.back(), ms[ms.size() / 2] * 1000.0 / environments);
  return 0;
}
