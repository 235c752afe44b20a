// GitMirror against real repositories made with the git CLI: fetching over
// file:// and plain paths, resolving refs, the build context tar, and the
// credential answers over http.
#include <archive.h>
#include <archive_entry.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "git/mirror.hpp"
#include "git/stall_watch.hpp"
#include "temp_dir.hpp"

namespace cutover {
namespace {

namespace fs = std::filesystem;

// Named for what left it behind, should a test be killed.
class TempDir : public testing_support::TempDir {
 public:
  TempDir() : testing_support::TempDir("cutover-git") {}
};

// Runs git with argv as given (no shell) and returns its stdout without the
// trailing newline; throws when git fails.
std::string git(const fs::path& repo, const std::vector<std::string>& args) {
  std::vector<std::string> argv{"git", "-C", repo.string(), "-c", "user.name=cutover test",
                                "-c", "user.email=test@cutover.invalid", "-c",
                                "commit.gpgsign=false", "-c", "tag.gpgsign=false"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> c_argv;
  for (std::string& arg : argv) c_argv.push_back(arg.data());
  c_argv.push_back(nullptr);

  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    close(out[1]);
    execvp("git", c_argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = read(out[0], buffer, sizeof buffer)) > 0;) output.append(buffer, n);
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("git " + args.front() + " failed");
  }
  while (!output.empty() && output.back() == '\n') output.pop_back();
  return output;
}

void write_file(const fs::path& path, const std::string& content) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

void commit_all(const fs::path& repo, const std::string& message) {
  git(repo, {"add", "-A"});
  git(repo, {"commit", "-q", "-m", message});
}

const std::string kLongDir =
    "a-directory-name-long-enough/that-the-whole-path-no-longer-fits/into-the-100-byte-ustar-"
    "name-field";

// A source repository with: main (two commits), an annotated tag v1.0 on the
// first, a branch "feature", an executable, a symlink, a .dockerignore at
// the root and a sub-context "services/api" with its own.
struct SourceRepo {
  TempDir dir;
  fs::path path = dir.path() / "source";

  SourceRepo() {
    fs::create_directories(path);
    git(path, {"init", "-q", "-b", "main"});
    write_file(path / "Dockerfile", "FROM scratch\n");
    write_file(path / "README.md", "first\n");
    commit_all(path, "first");
    git(path, {"tag", "-a", "v1.0", "-m", "release 1.0"});

    write_file(path / "README.md", "hello\n");
    write_file(path / "run.sh", "#!/bin/sh\necho hi\n");
    fs::permissions(path / "run.sh", fs::perms::owner_exec | fs::perms::group_exec,
                    fs::perm_options::add);
    fs::create_symlink("run.sh", path / "start");
    write_file(path / ".dockerignore",
               "# build junk\n*.log\n!keep.log\nnode_modules\n**/*.tmp\n/build\ndocs/**\n"
               "Dockerfile\n");
    write_file(path / "debug.log", "noise\n");
    write_file(path / "keep.log", "wanted\n");
    write_file(path / "node_modules/pkg/index.js", "module.exports = 1;\n");
    write_file(path / "src/main.py", "print('hi')\n");
    write_file(path / "src/cache.tmp", "tmp\n");
    write_file(path / "src/app.log", "kept: *.log only matches at the root\n");
    write_file(path / "src/\xC3\xBC" "ber.txt", "unicode name\n");
    write_file(path / "build/out.o", "object\n");
    write_file(path / "docs/guide.md", "docs\n");
    write_file(path / kLongDir / "file.txt", "deep\n");
    write_file(path / "services/api/Dockerfile", "FROM scratch\nCOPY . /app\n");
    write_file(path / "services/api/.dockerignore", "secrets.env\n");
    write_file(path / "services/api/secrets.env", "KEY=1\n");
    write_file(path / "services/api/app.txt", "api\n");
    commit_all(path, "second");

    git(path, {"branch", "feature"});
    git(path, {"checkout", "-q", "feature"});
    write_file(path / "feature.txt", "feature\n");
    commit_all(path, "feature work");
    git(path, {"checkout", "-q", "main"});
  }

  std::string rev_parse(const std::string& rev) const { return git(path, {"rev-parse", rev}); }
  std::string file_url() const { return "file://" + path.string(); }
};

std::unique_ptr<GitMirror> open_mirror(const fs::path& dir, const std::string& url,
                                       const AuthSpec& auth = {}) {
  auto mirror = GitMirror::open(dir.string(), url, auth);
  if (!mirror) throw std::runtime_error(mirror.error().message);
  return std::move(*mirror);
}

AuthSpec token_auth(const std::string& variable) {
  AuthSpec auth;
  auth.token_env = variable;
  return auth;
}

struct TarEntry {
  mode_t type = 0;
  mode_t perm = 0;
  std::string content;
  std::string link;
  time_t mtime = 0;
  la_int64_t uid = -1;
};

struct ReaderFree {
  void operator()(archive* reader) const { archive_read_free(reader); }
};

// The entries of a tar held in memory, keyed by path (no trailing '/').
// Paths and link targets are read as the raw bytes git stores.
std::map<std::string, TarEntry> list_tar(const std::string& tar) {
  std::map<std::string, TarEntry> entries;
  const std::unique_ptr<archive, ReaderFree> owned(archive_read_new());
  archive* reader = owned.get();
  archive_read_support_format_tar(reader);
  if (archive_read_open_memory(reader, tar.data(), tar.size()) != ARCHIVE_OK) {
    throw std::runtime_error(archive_error_string(reader));
  }
  archive_entry* header = nullptr;
  int rc = ARCHIVE_OK;
  while ((rc = archive_read_next_header(reader, &header)) == ARCHIVE_OK) {
    std::string path = archive_entry_pathname(header);
    if (path.ends_with('/')) path.pop_back();
    TarEntry& entry = entries[path];
    entry.type = archive_entry_filetype(header);
    entry.perm = archive_entry_perm(header);
    entry.mtime = archive_entry_mtime(header);
    entry.uid = archive_entry_uid(header);
    if (const char* link = archive_entry_symlink(header)) entry.link = link;
    char buffer[4096];
    for (la_ssize_t n; (n = archive_read_data(reader, buffer, sizeof buffer)) > 0;) {
      entry.content.append(buffer, static_cast<size_t>(n));
    }
  }
  if (rc != ARCHIVE_EOF) throw std::runtime_error("the tar is damaged or truncated");
  return entries;
}

std::vector<std::string> paths_of(const std::map<std::string, TarEntry>& entries) {
  std::vector<std::string> paths;
  for (const auto& [path, entry] : entries) paths.push_back(path);
  return paths;
}

std::string context_tar(GitMirror& mirror, const std::string& sha, const std::string& context) {
  std::string tar;
  const Status written = mirror.write_context_tar(sha, context, [&](std::string_view chunk) {
    tar.append(chunk);
    return Status{};
  });
  if (!written) throw std::runtime_error(written.error().message);
  return tar;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class GitMirrorFetch : public testing::TestWithParam<bool> {};

TEST_P(GitMirrorFetch, FetchReturnsTheBranchTipAndFollowsNewCommits) {
  SourceRepo source;
  TempDir state;
  const std::string url = GetParam() ? source.file_url() : source.path.string();
  auto mirror = open_mirror(state.path() / "nested/mirrors/app.git", url);

  auto tip = mirror->fetch_branch("main");
  ASSERT_TRUE(tip) << tip.error().message;
  EXPECT_EQ(*tip, source.rev_parse("main"));

  write_file(source.path / "README.md", "changed\n");
  commit_all(source.path, "third");
  tip = mirror->fetch_branch("main");
  ASSERT_TRUE(tip) << tip.error().message;
  EXPECT_EQ(*tip, source.rev_parse("main"));
  EXPECT_EQ(mirror->resolve("main").value_or(""), *tip);
}

INSTANTIATE_TEST_SUITE_P(FileUrlAndPlainPath, GitMirrorFetch, testing::Bool());

TEST(GitMirror, FetchFollowsRewrittenHistory) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  ASSERT_TRUE(mirror->fetch_branch("main"));
  git(source.path, {"reset", "-q", "--hard", "HEAD~1"});
  git(source.path, {"commit", "-q", "--allow-empty", "-m", "rewritten"});
  EXPECT_EQ(mirror->fetch_branch("main").value_or(""), source.rev_parse("main"));
}

TEST(GitMirror, ReopeningKeepsTheMirrorAndFollowsAChangedUrl) {
  SourceRepo first;
  SourceRepo second;
  TempDir state;
  const fs::path dir = state.path() / "app.git";
  ASSERT_TRUE(open_mirror(dir, first.file_url())->fetch_branch("main"));
  auto mirror = open_mirror(dir, second.path.string());
  EXPECT_EQ(mirror->fetch_branch("feature").value_or(""), second.rev_parse("feature"));
  EXPECT_EQ(git(dir, {"config", "remote.origin.url"}), second.path.string());
}

TEST(GitMirror, ResolvesBranchesTagsAndShas) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  ASSERT_TRUE(mirror->fetch_branch("main"));
  ASSERT_TRUE(mirror->fetch_branch("feature"));

  const std::string main = source.rev_parse("main");
  EXPECT_EQ(mirror->resolve("main").value_or(""), main);
  EXPECT_EQ(mirror->resolve("feature").value_or(""), source.rev_parse("feature"));
  EXPECT_EQ(mirror->resolve("v1.0").value_or(""), source.rev_parse("v1.0^{commit}"))
      << "an annotated tag resolves to its commit, not to the tag object";
  EXPECT_EQ(mirror->resolve(main).value_or(""), main);
  EXPECT_EQ(mirror->resolve(main.substr(0, 7)).value_or(""), main);
  EXPECT_EQ(mirror->resolve(main.substr(0, 4)).value_or(""), main);
}

TEST(GitMirror, ResolveExplainsWhatItCouldNotFind) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  ASSERT_TRUE(mirror->fetch_branch("main"));

  const auto unknown = mirror->resolve("no-such-branch");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(contains(unknown.error().message, "no-such-branch")) << unknown.error().message;
  EXPECT_TRUE(contains(unknown.error().message, source.file_url())) << unknown.error().message;

  EXPECT_FALSE(mirror->resolve(source.rev_parse("main").substr(0, 3)))
      << "three hex digits are too few to be a SHA";
  EXPECT_FALSE(mirror->resolve(std::string(40, 'f')));
  const auto tree = mirror->resolve(source.rev_parse("main^{tree}"));
  ASSERT_FALSE(tree);
  EXPECT_TRUE(contains(tree.error().message, "not a commit")) << tree.error().message;
}

TEST(GitMirror, MissingBranchIsNamed) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const auto tip = mirror->fetch_branch("nope");
  ASSERT_FALSE(tip);
  EXPECT_EQ(tip.error().message.rfind("branch nope not found on " + source.file_url(), 0), 0u)
      << tip.error().message;
}

TEST(GitMirror, BranchDeletedUpstreamIsReportedNotServedStale) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  ASSERT_TRUE(mirror->fetch_branch("feature"));
  git(source.path, {"branch", "-q", "-D", "feature"});
  EXPECT_FALSE(mirror->fetch_branch("feature"));
}

TEST(GitMirror, WrongUrlNamesTheUrl) {
  TempDir state;
  const std::string url = "file://" + (state.path() / "does-not-exist").string();
  auto mirror = open_mirror(state.path() / "app.git", url);
  const auto tip = mirror->fetch_branch("main");
  ASSERT_FALSE(tip);
  EXPECT_EQ(tip.error().message.rfind("git fetch " + url + " branch main: ", 0), 0u)
      << tip.error().message;
  EXPECT_TRUE(contains(tip.error().message, "check the repo URL and credentials"));
}

TEST(GitMirror, RejectsUnsafeBranchNames) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  for (const std::string name : {"", "-x", "a..b", "../etc", "a b", "x.lock", "a:b"}) {
    const auto tip = mirror->fetch_branch(name);
    ASSERT_FALSE(tip) << name;
    EXPECT_TRUE(contains(tip.error().message, "not a valid git branch name"))
        << tip.error().message;
  }
}

TEST(GitMirror, RefusesADirectoryThatIsNotARepository) {
  TempDir state;
  write_file(state.path() / "app.git" / "precious.txt", "keep me\n");
  const auto mirror = GitMirror::open((state.path() / "app.git").string(), "/x", {});
  ASSERT_FALSE(mirror);
  EXPECT_TRUE(contains(mirror.error().message, "move it away")) << mirror.error().message;
  EXPECT_TRUE(fs::exists(state.path() / "app.git" / "precious.txt"));
}

TEST(GitMirror, ContextTarOfTheRoot) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  const auto entries = list_tar(context_tar(*mirror, sha, "."));

  const std::vector<std::string> expected{
      ".dockerignore",
      "Dockerfile",  // ignored by .dockerignore, sent anyway as docker build does
      "README.md",
      "a-directory-name-long-enough",
      "a-directory-name-long-enough/that-the-whole-path-no-longer-fits",
      kLongDir,
      kLongDir + "/file.txt",
      "docs",  // docs/** excludes what is inside, not the directory
      "keep.log",
      "run.sh",
      "services",
      "services/api",
      "services/api/.dockerignore",
      "services/api/Dockerfile",
      "services/api/app.txt",
      "services/api/secrets.env",
      "src",
      "src/app.log",
      "src/main.py",
      "src/\xC3\xBC" "ber.txt",
      "start",
  };
  EXPECT_EQ(paths_of(entries), expected);

  EXPECT_EQ(entries.at("README.md").content, "hello\n");
  EXPECT_EQ(entries.at("README.md").type, AE_IFREG);
  EXPECT_EQ(entries.at("README.md").perm, 0644u);
  EXPECT_EQ(entries.at("run.sh").perm, 0755u);
  EXPECT_EQ(entries.at("run.sh").content, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(entries.at("start").type, AE_IFLNK);
  EXPECT_EQ(entries.at("start").link, "run.sh");
  EXPECT_EQ(entries.at("src").type, AE_IFDIR);
  EXPECT_EQ(entries.at(kLongDir + "/file.txt").content, "deep\n");

  const time_t commit_time = std::stol(git(source.path, {"log", "-1", "--format=%ct", sha}));
  for (const auto& [path, entry] : entries) {
    EXPECT_EQ(entry.mtime, commit_time) << path;
    EXPECT_EQ(entry.uid, 0) << path;
  }
}

TEST(GitMirror, ContextTarIsTheSameEveryTime) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  EXPECT_EQ(context_tar(*mirror, sha, "."), context_tar(*mirror, sha, "."));
}

TEST(GitMirror, ContextTarOfASubdirectoryUsesItsOwnDockerignore) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  for (const std::string context : {"services/api", "./services/api/"}) {
    const auto entries = list_tar(context_tar(*mirror, sha, context));
    EXPECT_EQ(paths_of(entries),
              (std::vector<std::string>{".dockerignore", "Dockerfile", "app.txt"}))
        << context;
  }
}

TEST(GitMirror, ContextTarReIncludesFromAnExcludedDirectory) {
  SourceRepo source;
  write_file(source.path / ".dockerignore", "node_modules\n!node_modules/pkg/index.js\n*\n!src\n");
  commit_all(source.path, "narrow the context");
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  const auto entries = list_tar(context_tar(*mirror, sha, ""));
  EXPECT_EQ(paths_of(entries),
            (std::vector<std::string>{".dockerignore", "Dockerfile", "src", "src/app.log",
                                      "src/cache.tmp", "src/main.py",
                                      "src/\xC3\xBC" "ber.txt"}));
}

TEST(GitMirror, ContextTarErrors) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  const ChunkSink discard = [](std::string_view) { return Status{}; };

  const Status missing = mirror->write_context_tar(sha, "no/such/dir", discard);
  ASSERT_FALSE(missing);
  EXPECT_TRUE(contains(missing.error().message, "no/such/dir")) << missing.error().message;
  EXPECT_FALSE(mirror->write_context_tar(sha, "README.md", discard));
  EXPECT_FALSE(mirror->write_context_tar(sha, "../outside", discard));
  const Status unknown = mirror->write_context_tar(std::string(40, 'a'), ".", discard);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(contains(unknown.error().message, std::string(40, 'a')));
}

TEST(GitMirror, ContextTarReportsAMalformedDockerignore) {
  SourceRepo source;
  write_file(source.path / ".dockerignore", "*.log\n[oops\n");
  commit_all(source.path, "bad ignore file");
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  const Status written =
      mirror->write_context_tar(sha, ".", [](std::string_view) { return Status{}; });
  ASSERT_FALSE(written);
  EXPECT_TRUE(contains(written.error().message, "line 2")) << written.error().message;
}

TEST(GitMirror, ContextTarStopsAtTheSinksError) {
  SourceRepo source;
  TempDir state;
  auto mirror = open_mirror(state.path() / "app.git", source.file_url());
  const std::string sha = mirror->fetch_branch("main").value();
  int calls = 0;
  const Status written = mirror->write_context_tar(sha, ".", [&](std::string_view) {
    ++calls;
    return Status(fail("docker went away"));
  });
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().message, "docker went away");
  EXPECT_EQ(calls, 1);
}

// An http server that refuses every request with 401 and records the
// Authorization headers it was offered.
class RefusingHttpServer {
 public:
  RefusingHttpServer() {
    // libgit2 honours the proxy settings of the environment (see fetch.cpp).
    setenv("no_proxy", "127.0.0.1", 1);
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listener_, 8) != 0 ||
        getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on 127.0.0.1");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~RefusingHttpServer() {
    stop_ = true;
    thread_.join();
    close(listener_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/app.git"; }
  std::vector<std::string> authorizations() {
    const std::lock_guard lock(mutex_);
    return authorizations_;
  }

 private:
  void serve() {
    while (!stop_) {
      pollfd ready{listener_, POLLIN, 0};
      if (poll(&ready, 1, 50) <= 0) continue;
      const int client = accept(listener_, nullptr, nullptr);
      if (client < 0) continue;
      answer(client);
      close(client);
    }
  }
  void answer(int client) {
    std::string request;
    char buffer[4096];
    while (!request.contains("\r\n\r\n")) {
      const ssize_t n = read(client, buffer, sizeof buffer);
      if (n <= 0) return;
      request.append(buffer, static_cast<size_t>(n));
    }
    if (const auto at = request.find("Authorization: "); at != std::string::npos) {
      const std::lock_guard lock(mutex_);
      authorizations_.push_back(request.substr(at + 15, request.find("\r\n", at) - at - 15));
    }
    const std::string response =
        "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"git\"\r\n"
        "Content-Length: 0\r\nConnection: close\r\n\r\n";
    [[maybe_unused]] const ssize_t sent = write(client, response.data(), response.size());
  }

  int listener_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_ = false;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> authorizations_;
};

TEST(GitMirror, HttpsTokenIsOfferedOnceAndNeverShown) {
  RefusingHttpServer server;
  TempDir state;
  setenv("CUTOVER_TEST_GIT_TOKEN", "s3cr3t-t0ken", 1);
  auto mirror = open_mirror(state.path() / "app.git", server.url(),
                            token_auth("CUTOVER_TEST_GIT_TOKEN"));
  const auto tip = mirror->fetch_branch("main");
  unsetenv("CUTOVER_TEST_GIT_TOKEN");
  ASSERT_FALSE(tip);
  EXPECT_FALSE(contains(tip.error().message, "s3cr3t")) << tip.error().message;
  EXPECT_TRUE(contains(tip.error().message, "rejected the token in CUTOVER_TEST_GIT_TOKEN"))
      << tip.error().message;
  // base64("x-access-token:s3cr3t-t0ken")
  EXPECT_EQ(server.authorizations(),
            std::vector<std::string>{"Basic eC1hY2Nlc3MtdG9rZW46czNjcjN0LXQwa2Vu"});
}

TEST(GitMirror, HttpsWithoutTokenSaysWhatToConfigure) {
  RefusingHttpServer server;
  TempDir state;
  auto unset = open_mirror(state.path() / "a.git", server.url(),
                           token_auth("CUTOVER_TEST_UNSET_VARIABLE"));
  const auto missing_variable = unset->fetch_branch("main");
  ASSERT_FALSE(missing_variable);
  EXPECT_TRUE(contains(missing_variable.error().message, "CUTOVER_TEST_UNSET_VARIABLE"))
      << missing_variable.error().message;

  auto none = open_mirror(state.path() / "b.git", server.url());
  const auto no_auth = none->fetch_branch("main");
  ASSERT_FALSE(no_auth);
  EXPECT_TRUE(contains(no_auth.error().message, "auth.token_env")) << no_auth.error().message;
  EXPECT_TRUE(server.authorizations().empty());
}

// The error of a fetch from a refusing server whose URL carries `userinfo@`.
std::string fetch_error_with_userinfo(const std::string& userinfo) {
  RefusingHttpServer server;
  TempDir state;
  std::string url = server.url();
  url.insert(url.find("//") + 2, userinfo + "@");
  auto mirror = open_mirror(state.path() / "app.git", url);
  const auto tip = mirror->fetch_branch("main");
  return tip ? std::string("fetch succeeded") : tip.error().message;
}

TEST(GitMirror, PasswordInTheUrlStaysOutOfMessages) {
  const std::string message = fetch_error_with_userinfo("deploy:hunter2");
  EXPECT_FALSE(contains(message, "hunter2")) << message;
  EXPECT_FALSE(contains(message, "deploy")) << message;
  EXPECT_TRUE(contains(message, "//***@")) << message;
}

TEST(GitMirror, ATokenUsedAsTheUserNameStaysOutOfMessages) {
  const std::string message = fetch_error_with_userinfo("ghp_tokenAsUser42");
  EXPECT_FALSE(contains(message, "ghp_tokenAsUser42")) << message;
  EXPECT_TRUE(contains(message, "//***@")) << message;
}

// libgit2 loads $HOME/.ssh/known_hosts before the ssh handshake, so a
// listener that never speaks ssh is enough to reach that point.
TEST(GitMirror, MalformedHomeKnownHostsIsNamed) {
#ifdef __SANITIZE_ADDRESS__
  // libgit2 1.5's ssh transport leaks its libssh2 known-hosts handle and an
  // error buffer on this path; a suppression wide enough to hide that would
  // hide our own libgit2 leaks too (the stacks stop inside libgit2).
  GTEST_SKIP() << "libgit2 1.5 leaks on a malformed ~/.ssh/known_hosts; covered by the non-sanitized run";
#endif
  TempDir home;
  write_file(home.path() / ".ssh" / "known_hosts", "git.example.com ssh-ed25519\n");
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 1), 0);
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home != nullptr ? old_home : "";
  setenv("HOME", home.path().c_str(), 1);

  TempDir state;
  AuthSpec auth;
  auth.known_hosts = (home.path() / "pinned").string();
  auto mirror = open_mirror(state.path() / "app.git",
                            "ssh://git@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/app.git", auth);
  const auto tip = mirror->fetch_branch("main");
  if (old_home != nullptr) {
    setenv("HOME", saved_home.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
  close(listener);
  ASSERT_FALSE(tip);
  EXPECT_TRUE(contains(tip.error().message, home.path().string() + "/.ssh/known_hosts before every ssh fetch"))
      << tip.error().message;
}

// A server that accepts and then says nothing held the lane, the mirror's
// lock and the poller forever: libgit2 1.5 has no network timeout.
class StalledGitServer : public testing::TestWithParam<std::string> {};

TEST_P(StalledGitServer, AFetchThatHearsNothingFailsAfterTheStallLimit) {
  const int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&address), length), 0);
  ASSERT_EQ(listen(listener, 4), 0);  // the kernel completes the connection; nothing is ever sent
  ASSERT_EQ(getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  TempDir home;  // no ~/.ssh/known_hosts for libgit2 to trip on first
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home != nullptr ? old_home : "";
  setenv("HOME", home.path().c_str(), 1);
  const Millis saved_limit = git_stall_limit();
  set_git_stall_limit(Millis{1000});

  TempDir state;
  AuthSpec auth;
  auth.known_hosts = (home.path() / "pinned").string();
  const std::string url = GetParam() + "://git@127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/app.git";
  auto mirror = open_mirror(state.path() / "app.git", url, auth);
  const auto started = std::chrono::steady_clock::now();
  const auto tip = mirror->fetch_branch("main");
  const auto took = std::chrono::steady_clock::now() - started;
  set_git_stall_limit(saved_limit);
  if (old_home != nullptr) {
    setenv("HOME", saved_home.c_str(), 1);
  } else {
    unsetenv("HOME");
  }
  close(listener);
  ASSERT_FALSE(tip);
  EXPECT_TRUE(contains(tip.error().message, "the server sent nothing for 1s, so the fetch was abandoned"))
      << tip.error().message;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(10));
  // The mirror is usable again: the next fetch is not stuck behind a lock.
  const auto again = mirror->fetch_branch("main");
  EXPECT_FALSE(again);
}

INSTANTIATE_TEST_SUITE_P(HttpAndSsh, StalledGitServer, testing::Values("http", "ssh"));

}  // namespace
}  // namespace cutover
