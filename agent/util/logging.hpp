#pragma once
// spdlog to stderr, as text or one JSON object per line (daemon.log_format).
// Text is journald-friendly: under systemd (JOURNAL_STREAM set) each line
// starts with its syslog priority (<3> ...) and carries no timestamp, since
// the journal stamps lines itself.
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>

#include "util/result.hpp"

namespace cutover {

Status setup_logging(const std::string& level, const std::string& format);

// Extra JSON fields for what the current thread logs while this lives
// (e.g. app, release, deployment, step). Text lines carry them in the
// message instead; JSON lines get them as fields of their own.
class LogFields {
 public:
  explicit LogFields(nlohmann::json fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

  // The fields in effect on this thread (null if none).
  static const nlohmann::json* current();

 private:
  nlohmann::json fields_;
  const nlohmann::json* outer_;
};

// Text lines: with a timestamp on a terminal or in a file; with a syslog
// priority prefix and no timestamp for the journal.
std::unique_ptr<spdlog::formatter> text_log_formatter(bool to_journal);

}  // namespace cutover
