// The host and port of ssh remotes, in the forms libgit2 accepts.
#include "git/ssh_remote.hpp"

#include <gtest/gtest.h>

namespace cutover {
namespace {

testing::AssertionResult is(std::string_view url, std::string_view host, int port) {
  const auto remote = ssh_remote(url);
  if (!remote) return testing::AssertionFailure() << url << " was not read as ssh";
  if (remote->host != host || remote->port != port) {
    return testing::AssertionFailure() << url << " gave " << remote->host << " port " << remote->port;
  }
  return testing::AssertionSuccess();
}

TEST(SshRemote, Urls) {
  EXPECT_TRUE(is("ssh://git@127.0.0.1:2222/srv/git/app.git", "127.0.0.1", 2222));
  EXPECT_TRUE(is("ssh://git.example.com/acme/web.git", "git.example.com", 22));
  EXPECT_TRUE(is("ssh://deploy@git.example.com:22/acme/web.git", "git.example.com", 22));
  EXPECT_TRUE(is("ssh+git://git.example.com:7999/web.git", "git.example.com", 7999));
  EXPECT_TRUE(is("git+ssh://u@git.example.com/web.git", "git.example.com", 22));
  EXPECT_TRUE(is("ssh://git@[::1]:2222/app.git", "::1", 2222));
  EXPECT_TRUE(is("ssh://[2001:db8::7]/app.git", "2001:db8::7", 22));
  EXPECT_TRUE(is("ssh://user@name@git.example.com:2222/app.git", "git.example.com", 2222))
      << "the last @ ends the user";
  EXPECT_TRUE(is("ssh://git@127.0.0.1:2222", "127.0.0.1", 2222)) << "no path";
}

TEST(SshRemote, ScpLikeForms) {
  EXPECT_TRUE(is("git@github.com:acme/web.git", "github.com", 22));
  EXPECT_TRUE(is("github.com:acme/web.git", "github.com", 22));
  EXPECT_TRUE(is("root@127.0.0.1:/srv/git/app.git", "127.0.0.1", 22));
  EXPECT_TRUE(is("deploy@git.example.com:~/web.git", "git.example.com", 22));
}

TEST(SshRemote, OtherRemotesAreNotSsh) {
  EXPECT_FALSE(ssh_remote("https://github.com/acme/web.git"));
  EXPECT_FALSE(ssh_remote("file:///srv/git/web.git"));
  EXPECT_FALSE(ssh_remote("/srv/git/web.git"));
  EXPECT_FALSE(ssh_remote("./host:path"));
  EXPECT_FALSE(ssh_remote("repos/web"));
}

TEST(SshRemote, BadPortsAndHostsAreRefused) {
  EXPECT_FALSE(ssh_remote("ssh://git@127.0.0.1:0/app.git"));
  EXPECT_FALSE(ssh_remote("ssh://git@127.0.0.1:65536/app.git"));
  EXPECT_FALSE(ssh_remote("ssh://git@127.0.0.1:22a/app.git"));
  EXPECT_FALSE(ssh_remote("ssh://git@127.0.0.1:/app.git"));
  EXPECT_FALSE(ssh_remote("ssh://git@/app.git"));
  EXPECT_FALSE(ssh_remote("ssh://[::1/app.git"));
  EXPECT_FALSE(ssh_remote(":app.git"));
  EXPECT_FALSE(ssh_remote("git@:app.git"));
  // Forms newer libgit2 reads but 1.5 resolves as a host name with brackets.
  EXPECT_FALSE(ssh_remote("git@[::1]:app.git"));
  EXPECT_FALSE(ssh_remote("git@[git.example.com:2222]:app.git"));
}

}  // namespace
}  // namespace cutover
