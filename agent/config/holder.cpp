#include "config/holder.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "config/restart_keys.hpp"

namespace cutover {

Status ConfigHolder::reload() {
  auto running = get();
  auto fresh = TRY(load_config_file(running->source_path));
  if (auto changed = config::restart_only_changes(*running, fresh); !changed.empty())
    return fail(fmt::format("{}: {} changed, and cutoverd reads {} only at start-up; put the old value back, or "
                            "restart cutoverd (systemctl restart cutover) to apply the change",
                            running->source_path, fmt::join(changed, ", "), changed.size() == 1 ? "it" : "them"));
  std::lock_guard lock(mutex_);
  current_ = std::make_shared<const Config>(std::move(fresh));
  return {};
}

}  // namespace cutover
