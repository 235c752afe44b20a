#include "metrics/registry.hpp"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace cutover::metrics {
namespace {

TEST(MetricsRegistryTest, CounterRendersHelpTypeAndSortedSeries) {
  Registry registry;
  auto& c = registry.counter("x_requests_total", "Requests.", {"app", "code"});
  c.add({"web", "500"});
  c.add({"api", "200"}, 2);
  c.add({"web", "500"});
  EXPECT_EQ(registry.render(),
            "# HELP x_requests_total Requests.\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{app=\"api\",code=\"200\"} 2\n"
            "x_requests_total{app=\"web\",code=\"500\"} 2\n");
}

TEST(MetricsRegistryTest, TouchedSeriesStartAtZeroAndFamiliesKeepDeclarationOrder) {
  Registry registry;
  registry.gauge("b_up", "Up.").set({}, 1);
  registry.counter("a_total", "A.", {"app"}).touch({"web"});
  EXPECT_EQ(registry.render(),
            "# HELP b_up Up.\n# TYPE b_up gauge\nb_up 1\n"
            "# HELP a_total A.\n# TYPE a_total counter\na_total{app=\"web\"} 0\n");
}

TEST(MetricsRegistryTest, EmptyFamilyStillDeclaresItself) {
  Registry registry;
  registry.counter("none_total", "Nothing yet.", {"app"});
  EXPECT_EQ(registry.render(), "# HELP none_total Nothing yet.\n# TYPE none_total counter\n");
}

TEST(MetricsRegistryTest, LabelValuesAndHelpAreEscaped) {
  Registry registry;
  registry.gauge("g", "Back\\slash and\nnewline \"kept\".", {"v"}).set({"a\\b\"c\nd"}, 1);
  EXPECT_EQ(registry.render(),
            "# HELP g Back\\\\slash and\\nnewline \"kept\".\n"
            "# TYPE g gauge\n"
            "g{v=\"a\\\\b\\\"c\\nd\"} 1\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Registry registry;
  auto& h = registry.histogram("d_seconds", "Durations.", {"app"}, {1, 0.5, 2.5});  // sorted on declaration
  h.observe({"web"}, 0.5);  // on a bound: counts in that bucket (le is <=)
  h.observe({"web"}, 0.75);
  h.observe({"web"}, 3);
  EXPECT_EQ(registry.render(),
            "# HELP d_seconds Durations.\n"
            "# TYPE d_seconds histogram\n"
            "d_seconds_bucket{app=\"web\",le=\"0.5\"} 1\n"
            "d_seconds_bucket{app=\"web\",le=\"1\"} 2\n"
            "d_seconds_bucket{app=\"web\",le=\"2.5\"} 2\n"
            "d_seconds_bucket{app=\"web\",le=\"+Inf\"} 3\n"
            "d_seconds_sum{app=\"web\"} 4.25\n"
            "d_seconds_count{app=\"web\"} 3\n");
}

TEST(MetricsRegistryTest, UnlabelledHistogramHasOnlyLe) {
  Registry registry;
  registry.histogram("h_seconds", "H.", {}, {1}).touch({});
  EXPECT_EQ(registry.render(),
            "# HELP h_seconds H.\n# TYPE h_seconds histogram\n"
            "h_seconds_bucket{le=\"1\"} 0\nh_seconds_bucket{le=\"+Inf\"} 0\n"
            "h_seconds_sum 0\nh_seconds_count 0\n");
}

TEST(MetricsRegistryTest, GaugeClearForgetsSeries) {
  Registry registry;
  auto& g = registry.gauge("env_awake", "Awake.", {"environment"});
  g.set({"staging"}, 1);
  g.clear();
  g.set({"prod"}, 0);
  EXPECT_EQ(registry.render(), "# HELP env_awake Awake.\n# TYPE env_awake gauge\nenv_awake{environment=\"prod\"} 0\n");
}

TEST(MetricsRegistryTest, ValuesUseTheSpellingPrometheusParses) {
  EXPECT_EQ(format_value(3), "3");
  EXPECT_EQ(format_value(0.25), "0.25");
  EXPECT_EQ(format_value(1e21), "1e+21");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::nan("")), "NaN");
}

TEST(MetricsRegistryTest, ConcurrentAddsAreNotLost) {
  Registry registry;
  auto& c = registry.counter("n_total", "N.", {"t"});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) c.add({"same"});
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(registry.render(), "# HELP n_total N.\n# TYPE n_total counter\nn_total{t=\"same\"} 40000\n");
}

}  // namespace
}  // namespace cutover::metrics
