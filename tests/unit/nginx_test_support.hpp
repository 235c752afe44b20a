#pragma once
// What the nginx rendering tests share: the shipped templates, routes, and
// counting a directive in a rendered file.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace cutover::testing_support {

inline std::string read_template(const std::string& name) {
  auto path = std::filesystem::path(__FILE__).parent_path() / "../../templates/nginx" / name;
  std::ifstream in(path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++n;
  return n;
}

inline Route route(std::string host, std::string path, std::string listen) {
  Route r;
  r.host = std::move(host);
  r.path = std::move(path);
  r.listen = std::move(listen);
  return r;
}

}  // namespace cutover::testing_support
