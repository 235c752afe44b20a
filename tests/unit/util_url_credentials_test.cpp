#include "util/url_credentials.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

TEST(UrlUserinfo, IsWhatComesBeforeTheAtOfTheAuthority) {
  EXPECT_EQ(url_userinfo("https://ci:TOKEN@git.example.com/x.git"), "ci:TOKEN");
  EXPECT_EQ(url_userinfo("https://TOKEN@git.example.com/x.git"), "TOKEN");
  EXPECT_EQ(url_userinfo("ssh://git@git.example.com/x.git"), "git");
  EXPECT_EQ(url_userinfo("https://git.example.com/x@y.git"), "");  // an @ in the path is not userinfo
  EXPECT_EQ(url_userinfo("git@git.example.com:x.git"), "");
  EXPECT_EQ(url_userinfo("/srv/x.git"), "");
}

TEST(Redact, HidesAPasswordAndTheWholeUserinfoOverHttps) {
  const std::string url = "https://ci:TOKEN123@git.example.com/x.git";
  EXPECT_EQ(redact(url, url), "https://***@git.example.com/x.git");
  EXPECT_EQ(redact("auth failed with TOKEN123 for ci", url), "auth failed with *** for ci");
}

TEST(Redact, HidesATokenUsedAsTheUserName) {
  const std::string url = "https://ghp_abcdef123@github.com/acme/web.git";
  EXPECT_EQ(redact(url, url), "https://***@github.com/acme/web.git");
  EXPECT_EQ(redact("could not fetch https://ghp_abcdef123@github.com/acme/web.git: 401", url),
            "could not fetch https://***@github.com/acme/web.git: 401");
}

TEST(Redact, KeepsAnSshUserButHidesItsPassword) {
  EXPECT_EQ(redact("ssh://git@host/x.git", "ssh://git@host/x.git"), "ssh://git@host/x.git");
  EXPECT_EQ(redact("ssh://git:pw99@host/x.git", "ssh://git:pw99@host/x.git"), "ssh://git:***@host/x.git");
}

TEST(Redact, LeavesTextAloneForAUrlWithoutCredentials) {
  EXPECT_EQ(redact("fetch https://host/x.git failed", "https://host/x.git"), "fetch https://host/x.git failed");
}

}  // namespace
}  // namespace cutover
