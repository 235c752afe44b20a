#include "config/holder.hpp"

namespace cutover {

Status ConfigHolder::reload() {
  auto fresh = TRY(load_config_file(get()->source_path));
  std::lock_guard lock(mutex_);
  current_ = std::make_shared<const Config>(std::move(fresh));
  return {};
}

}  // namespace cutover
