#include "nginx/include_check.hpp"

#include <fnmatch.h>

#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "util/files.hpp"

namespace cutover {
namespace {

// nginx config split into words and the three punctuation tokens that shape
// blocks; comments and quotes handled as nginx reads them.
std::vector<std::string> tokenize(const std::string& text) {
  std::vector<std::string> tokens;
  std::string word;
  auto flush = [&] {
    if (!word.empty()) tokens.push_back(word);
    word.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '#') {
      flush();
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '"' || c == '\'') {
      auto end = text.find(c, i + 1);
      word += text.substr(i + 1, end == std::string::npos ? std::string::npos : end - i - 1);
      i = end == std::string::npos ? text.size() : end;
    } else if (c == '{' || c == '}' || c == ';') {
      flush();
      tokens.emplace_back(1, c);
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return tokens;
}

}  // namespace

Status check_sites_included_in(const std::string& text, const std::string& conf_dir, const NginxConfig& nginx) {
  auto tokens = tokenize(text);
  std::vector<std::string> blocks;  // names of the enclosing blocks
  std::vector<std::string> statement;
  std::string probe = nginx.sites_dir + "/cutover-app.conf";
  for (const auto& token : tokens) {
    if (token == "{") {
      blocks.push_back(statement.empty() ? "" : statement.front());
      statement.clear();
    } else if (token == "}") {
      if (!blocks.empty()) blocks.pop_back();
      statement.clear();
    } else if (token == ";") {
      bool in_http = blocks.size() == 1 && blocks.front() == "http";
      if (in_http && statement.size() == 2 && statement[0] == "include") {
        std::string pattern = statement[1];
        if (!pattern.starts_with("/")) pattern = conf_dir + "/" + pattern;
        if (::fnmatch(pattern.c_str(), probe.c_str(), FNM_PATHNAME) == 0) return {};
      }
      statement.clear();
    } else {
      statement.push_back(token);
    }
  }
  return fail(fmt::format("nginx main config {} does not include {}/cutover-*.conf inside http {{}}; add "
                          "`include {}/cutover-*.conf;` to its http block (or fix nginx.sites_dir)",
                          nginx.main_config, nginx.sites_dir, nginx.sites_dir));
}

Status check_sites_included(const NginxConfig& nginx) {
  auto text = read_file(nginx.main_config);
  if (!text)
    return fail(fmt::format("nginx main config {}: cannot read it; check nginx.main_config", nginx.main_config));
  auto conf_dir = std::filesystem::path(nginx.main_config).parent_path().string();
  return check_sites_included_in(*text, conf_dir, nginx);
}

}  // namespace cutover
