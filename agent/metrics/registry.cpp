#include "metrics/registry.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace cutover::metrics {
namespace {

const char* type_name(Type type) {
  switch (type) {
    case Type::counter: return "counter";
    case Type::gauge: return "gauge";
    case Type::histogram: return "histogram";
  }
  return "untyped";
}

std::string escape(std::string_view text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quotes)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string escape_label_value(std::string_view value) { return escape(value, true); }
std::string escape_help(std::string_view help) { return escape(help, false); }

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // The shortest text that reads back as the same double: "3", "0.25", "1e+21".
  return fmt::format("{}", value);
}

Family::Family(Type type, std::string name, std::string help, std::vector<std::string> label_names,
               std::vector<double> buckets)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)) {}

Family::Series& Family::series(const LabelValues& labels) {
  auto [it, fresh] = series_.try_emplace(labels);
  if (fresh && type_ == Type::histogram) it->second.per_bucket.assign(buckets_.size() + 1, 0);
  return it->second;
}

std::string Family::sample(std::string_view suffix, const LabelValues& labels, const std::string& extra) const {
  std::string pairs;
  for (std::size_t i = 0; i < label_names_.size(); ++i) {
    if (!pairs.empty()) pairs += ',';
    // A missing value is "", which Prometheus reads as the label being absent.
    pairs += fmt::format("{}=\"{}\"", label_names_[i], escape_label_value(i < labels.size() ? labels[i] : ""));
  }
  if (!extra.empty()) pairs += (pairs.empty() ? "" : ",") + extra;
  return fmt::format("{}{}{}", name_, suffix, pairs.empty() ? "" : "{" + pairs + "}");
}

void Family::render_series(std::string& out, const LabelValues& labels, const Series& s) const {
  if (type_ != Type::histogram) {
    out += fmt::format("{} {}\n", sample("", labels, ""), format_value(s.value));
    return;
  }
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < s.per_bucket.size(); ++i) {
    cumulative += s.per_bucket[i];
    auto bound = i < buckets_.size() ? format_value(buckets_[i]) : "+Inf";
    out += fmt::format("{} {}\n", sample("_bucket", labels, fmt::format("le=\"{}\"", bound)), cumulative);
  }
  out += fmt::format("{} {}\n", sample("_sum", labels, ""), format_value(s.sum));
  out += fmt::format("{} {}\n", sample("_count", labels, ""), s.count);
}

void Family::render(std::string& out) const {
  out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name_, escape_help(help_), name_, type_name(type_));
  std::lock_guard lock(mutex_);
  for (const auto& [labels, s] : series_) render_series(out, labels, s);
}

Counter::Counter(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(Type::counter, std::move(name), std::move(help), std::move(label_names)) {}

void Counter::add(const LabelValues& labels, double delta) {
  std::lock_guard lock(mutex_);
  series(labels).value += delta;
}

void Counter::touch(const LabelValues& labels) {
  std::lock_guard lock(mutex_);
  series(labels);
}

Gauge::Gauge(std::string name, std::string help, std::vector<std::string> label_names)
    : Family(Type::gauge, std::move(name), std::move(help), std::move(label_names)) {}

void Gauge::set(const LabelValues& labels, double value) {
  std::lock_guard lock(mutex_);
  series(labels).value = value;
}

void Gauge::clear() {
  std::lock_guard lock(mutex_);
  series_.clear();
}

Histogram::Histogram(std::string name, std::string help, std::vector<std::string> label_names,
                     std::vector<double> buckets)
    : Family(Type::histogram, std::move(name), std::move(help), std::move(label_names), std::move(buckets)) {}

void Histogram::observe(const LabelValues& labels, double value) {
  // Bucket i counts values <= buckets_[i] (and above the bound before it); the last is +Inf.
  auto bucket = static_cast<std::size_t>(std::lower_bound(buckets_.begin(), buckets_.end(), value) - buckets_.begin());
  std::lock_guard lock(mutex_);
  auto& s = series(labels);
  ++s.per_bucket[bucket];
  s.sum += value;
  ++s.count;
}

void Histogram::touch(const LabelValues& labels) {
  std::lock_guard lock(mutex_);
  series(labels);
}

Counter& Registry::counter(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Counter>(std::move(name), std::move(help), std::move(label_names)));
}

Gauge& Registry::gauge(std::string name, std::string help, std::vector<std::string> label_names) {
  return add(std::make_unique<Gauge>(std::move(name), std::move(help), std::move(label_names)));
}

Histogram& Registry::histogram(std::string name, std::string help, std::vector<std::string> label_names,
                               std::vector<double> buckets) {
  std::sort(buckets.begin(), buckets.end());
  return add(std::make_unique<Histogram>(std::move(name), std::move(help), std::move(label_names),
                                         std::move(buckets)));
}

std::string Registry::render() const {
  std::string out;
  for (const auto& family : families_) family->render(out);
  return out;
}

}  // namespace cutover::metrics
