#pragma once
// One cutoverd per state_dir (SPEC guarantee 10): an exclusive flock(2) on
// state_dir/cutoverd.lock, taken before anything else is touched and held
// for the life of the process. The kernel drops it when the process ends,
// kill -9 included, so a stale file never blocks a restart.
#include <string>

#include "util/result.hpp"

namespace cutover {

class InstanceLock {
 public:
  // Fails, naming the holder's pid when it wrote one, if another process holds it.
  static Result<InstanceLock> acquire(const std::string& state_dir);
  InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  InstanceLock& operator=(InstanceLock&&) = delete;
  ~InstanceLock();

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace cutover
