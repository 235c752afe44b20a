#pragma once
// The config in force. A reload swaps it whole, and only once the new file
// validated; readers keep the snapshot they took.
#include <memory>
#include <mutex>
#include <string>

#include "config/load.hpp"

namespace cutover {

class ConfigHolder {
 public:
  explicit ConfigHolder(Config initial) : current_(std::make_shared<const Config>(std::move(initial))) {}
  std::shared_ptr<const Config> get() const {
    std::lock_guard lock(mutex_);
    return current_;
  }
  // Re-reads the file the current config came from.
  Status reload();

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Config> current_;
};

}  // namespace cutover
