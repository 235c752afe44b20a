#include "util/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "util/files.hpp"

namespace cutover {
namespace {

// What the holder wrote into the file: its pid, or "" if unreadable.
std::string holder_of(int fd) {
  char text[32] = {};
  ssize_t got = ::pread(fd, text, sizeof text - 1, 0);
  if (got <= 0) return "";
  std::string pid(text, static_cast<std::size_t>(got));
  while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
  return pid;
}

}  // namespace

Result<InstanceLock> InstanceLock::acquire(const std::string& state_dir) {
  TRY(ensure_directory(state_dir));
  const std::string path = state_dir + "/cutoverd.lock";
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail(fmt::format("cannot open {}: {}; check that daemon.state_dir is writable by this user", path,
                            std::strerror(errno)));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int error = errno;
    std::string holder = holder_of(fd);
    ::close(fd);
    if (error != EWOULDBLOCK)
      return fail(fmt::format("cannot lock {}: {}; daemon.state_dir must be on a filesystem that supports flock",
                              path, std::strerror(error)));
    return fail(fmt::format("another cutoverd{} already runs with state_dir {} (it holds {}); stop it first, or "
                            "give this one its own daemon.state_dir",
                            holder.empty() ? "" : " (pid " + holder + ")", state_dir, path));
  }
  // The pid is for the message above only; the lock, not the file, decides.
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd, 0) == 0) (void)::pwrite(fd, pid.data(), pid.size(), 0);
  return InstanceLock(fd);
}

InstanceLock::~InstanceLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace cutover
