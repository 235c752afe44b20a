#include "core/dockerfile.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <sstream>

namespace cutover {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

// Instructions with their continuation lines joined; comments dropped.
std::vector<std::vector<std::string>> instructions(const std::string& text) {
  std::vector<std::vector<std::string>> out;
  std::istringstream lines(text);
  std::string line, joined;
  while (std::getline(lines, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line[first] == '#') continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    bool continued = !line.empty() && line.back() == '\\';
    joined += continued ? line.substr(0, line.size() - 1) + " " : line;
    if (continued) continue;
    std::istringstream words(joined);
    std::vector<std::string> instruction;
    for (std::string word; words >> word;) instruction.push_back(word);
    if (!instruction.empty()) out.push_back(instruction);
    joined.clear();
  }
  return out;
}

std::string substitute(std::string text, const std::map<std::string, std::string>& vars) {
  for (const auto& [name, value] : vars) {
    for (const std::string& form : {"${" + name + "}", "$" + name}) {
      for (auto at = text.find(form); at != std::string::npos; at = text.find(form, at + value.size()))
        text.replace(at, form.size(), value);
    }
  }
  return text;
}

bool is_number(const std::string& text) {
  return !text.empty() && std::ranges::all_of(text, [](unsigned char c) { return std::isdigit(c) != 0; });
}

// The images one Dockerfile needs, gathered line by line.
class Needs {
 public:
  explicit Needs(const std::map<std::string, std::string>& build_args) : build_args_(build_args) {}

  void declare_arg(const std::string& word) {
    const auto eq = word.find('=');
    const auto name = word.substr(0, eq);
    if (auto given = build_args_.find(name); given != build_args_.end())
      vars_[name] = given->second;
    else if (eq != std::string::npos)
      vars_[name] = word.substr(eq + 1);
  }

  // FROM [--flags] IMAGE [AS NAME]
  Status from(const std::vector<std::string>& words) {
    std::vector<std::string> operands;
    for (std::size_t i = 1; i < words.size(); ++i)
      if (!words[i].starts_with("--")) operands.push_back(words[i]);
    if (operands.empty()) return {};
    TRY(need(operands[0], "FROM"));
    if (operands.size() >= 3 && lower(operands[1]) == "as") stages_.insert(lower(operands[2]));
    return {};
  }

  // COPY --from=STAGE|INDEX|IMAGE ...
  Status copy(const std::vector<std::string>& words) {
    for (std::size_t i = 1; i < words.size() && words[i].starts_with("--"); ++i) {
      if (!lower(words[i]).starts_with("--from=")) continue;
      const std::string source = words[i].substr(7);
      if (is_number(source)) continue;  // an earlier stage by index
      TRY(need(source, "COPY --from"));
    }
    return {};
  }

  std::vector<std::string> images() && { return std::move(images_); }

 private:
  Status need(const std::string& written, const char* where) {
    const std::string image = substitute(written, vars_);
    if (image.find('$') != std::string::npos)
      return fail(where + std::string(" ") + written +
                  ": a build arg in it has no value (no default in an ARG before the first FROM, and none in "
                  "build.args); cutover checks that every image a build uses is on the host, since dockerd would "
                  "pull a missing one; give the ARG a default or set it in build.args");
    if (lower(image) == "scratch" || stages_.contains(lower(image))) return {};
    if (std::ranges::find(images_, image) == images_.end()) images_.push_back(image);
    return {};
  }

  const std::map<std::string, std::string>& build_args_;
  std::map<std::string, std::string> vars_;
  std::set<std::string> stages_;
  std::vector<std::string> images_;
};

}  // namespace

Result<std::vector<std::string>> dockerfile_base_images(const std::string& dockerfile,
                                                        const std::map<std::string, std::string>& build_args) {
  Needs needs(build_args);
  bool seen_from = false;
  for (const auto& words : instructions(dockerfile)) {
    const auto keyword = lower(words.front());
    if (keyword == "arg" && !seen_from && words.size() >= 2) needs.declare_arg(words[1]);
    if (keyword == "from") {
      seen_from = true;
      TRY(needs.from(words));
    }
    if (keyword == "copy") TRY(needs.copy(words));
  }
  return std::move(needs).images();
}

}  // namespace cutover
