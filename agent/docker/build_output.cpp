#include "docker/build_output.hpp"

#include <nlohmann/json.hpp>

#include "docker/json_text.hpp"

namespace cutover {
namespace {

constexpr std::size_t kRecentLines = 5;

std::string error_of(const nlohmann::json& message) {
  std::string error = text_at(message, "error");
  if (error.empty() && message.contains("errorDetail")) error = text_at(message["errorDetail"], "message");
  // Error answers of the API itself (HTTP 4xx/5xx) carry "message".
  if (error.empty()) error = text_at(message, "message");
  return error;
}

}  // namespace

BuildOutput::BuildOutput(LineSink on_line) : on_line_(std::move(on_line)) {}

void BuildOutput::feed(std::string_view chunk) {
  messages_.feed(chunk, [this](std::string_view message) { handle_message(message); });
}

void BuildOutput::finish() {
  messages_.flush([this](std::string_view message) { handle_message(message); });
  text_.flush([this](std::string_view line) { emit(line); });
}

void BuildOutput::handle_message(std::string_view message) {
  if (message.empty()) return;
  const auto json = nlohmann::json::parse(message, nullptr, false);
  if (json.is_discarded()) {
    // Not JSON (a proxy or an old daemon answering in plain text): still worth showing.
    emit(message);
    return;
  }
  if (const std::string stream = text_at(json, "stream"); !stream.empty()) {
    text_.feed(stream, [this](std::string_view line) { emit(line); });
  }
  // "status" lines appear when the builder fetches a missing base image.
  if (const std::string status = text_at(json, "status"); !status.empty()) emit(status);
  if (std::string error = error_of(json); !error.empty() && !error_) error_ = std::move(error);
}

void BuildOutput::emit(std::string_view line) {
  if (on_line_) on_line_(line);
  if (line.find_first_not_of(" \t") == std::string_view::npos) return;
  recent_.emplace_back(line);
  if (recent_.size() > kRecentLines) recent_.pop_front();
}

std::string BuildOutput::recent_lines() const {
  std::string joined;
  for (const auto& line : recent_) {
    if (!joined.empty()) joined += " | ";
    joined += line;
  }
  return joined;
}

}  // namespace cutover
