#pragma once
// A small Prometheus registry: counter, gauge and histogram families with
// labels, rendered in the text exposition format 0.0.4. Hand-written: Debian
// packages no C++ Prometheus client, and the daemon needs only this much.
// Families are declared up front (before threads share the registry); after
// that every method is thread-safe.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace cutover::metrics {

// One value per label name of the family, in the same order.
using LabelValues = std::vector<std::string>;

enum class Type { counter, gauge, histogram };

// A metric name and what it holds: its series, one per label set, rendered
// in label order so a scrape reads the same from one time to the next.
class Family {
 public:
  Family(Type type, std::string name, std::string help, std::vector<std::string> label_names,
         std::vector<double> buckets = {});
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  // The HELP and TYPE lines, then every series.
  void render(std::string& out) const;

 protected:
  struct Series {
    double value = 0;                         // counter, gauge
    std::vector<std::uint64_t> per_bucket;    // histogram: observations per bucket, +Inf last
    double sum = 0;
    std::uint64_t count = 0;
  };
  // The series for these labels, created at zero; mutex_ held.
  Series& series(const LabelValues& labels);
  void render_series(std::string& out, const LabelValues& labels, const Series& s) const;
  // `name{a="x",b="y",extra}`; extra is a rendered pair or "".
  std::string sample(std::string_view suffix, const LabelValues& labels, const std::string& extra) const;

  const Type type_;
  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  const std::vector<double> buckets_;  // histogram upper bounds, ascending, without +Inf
  mutable std::mutex mutex_;
  std::map<LabelValues, Series> series_;
};

class Counter : public Family {
 public:
  Counter(std::string name, std::string help, std::vector<std::string> label_names);
  void add(const LabelValues& labels, double delta = 1);
  // Creates the series at 0, so rate() sees it from the first scrape.
  void touch(const LabelValues& labels);
};

class Gauge : public Family {
 public:
  Gauge(std::string name, std::string help, std::vector<std::string> label_names);
  void set(const LabelValues& labels, double value);
  // Forgets every series: for gauges rebuilt at each scrape from what exists now.
  void clear();
};

class Histogram : public Family {
 public:
  Histogram(std::string name, std::string help, std::vector<std::string> label_names, std::vector<double> buckets);
  void observe(const LabelValues& labels, double value);
  void touch(const LabelValues& labels);
};

class Registry {
 public:
  Counter& counter(std::string name, std::string help, std::vector<std::string> label_names = {});
  Gauge& gauge(std::string name, std::string help, std::vector<std::string> label_names = {});
  Histogram& histogram(std::string name, std::string help, std::vector<std::string> label_names,
                       std::vector<double> buckets);
  // Every family, in declaration order.
  std::string render() const;

 private:
  template <class T>
  T& add(std::unique_ptr<T> family) {
    T& added = *family;
    families_.push_back(std::move(family));
    return added;
  }

  std::vector<std::unique_ptr<Family>> families_;
};

// Text-format escaping: label values escape \, " and newline; HELP text \ and newline.
std::string escape_label_value(std::string_view value);
std::string escape_help(std::string_view help);
// A sample value as Prometheus parses it: 3, 0.25, +Inf, -Inf, NaN.
std::string format_value(double value);

}  // namespace cutover::metrics
