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

}  // namespace

std::vector<std::string> dockerfile_base_images(const std::string& dockerfile,
                                                const std::map<std::string, std::string>& build_args) {
  std::map<std::string, std::string> vars;
  std::set<std::string> stages;
  std::vector<std::string> bases;
  bool seen_from = false;
  for (const auto& words : instructions(dockerfile)) {
    auto keyword = lower(words.front());
    if (keyword == "arg" && !seen_from && words.size() >= 2) {
      auto eq = words[1].find('=');
      auto name = words[1].substr(0, eq);
      auto given = build_args.find(name);
      if (given != build_args.end())
        vars[name] = given->second;
      else if (eq != std::string::npos)
        vars[name] = words[1].substr(eq + 1);
    }
    if (keyword != "from") continue;
    seen_from = true;
    std::vector<std::string> operands;
    for (std::size_t i = 1; i < words.size(); ++i)
      if (!words[i].starts_with("--")) operands.push_back(words[i]);
    if (operands.empty()) continue;
    auto image = substitute(operands[0], vars);
    bool external = image.find('$') == std::string::npos && lower(image) != "scratch" &&
                    !stages.contains(lower(image)) && std::find(bases.begin(), bases.end(), image) == bases.end();
    if (external) bases.push_back(image);
    if (operands.size() >= 3 && lower(operands[1]) == "as") stages.insert(lower(operands[2]));
  }
  return bases;
}

}  // namespace cutover
