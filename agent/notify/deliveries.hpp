#pragma once
// What one notice means for an app's notifiers: a POST for each notifier
// that has something to say about it, read with the secrets it needs.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "notify/notice.hpp"
#include "notify/sender.hpp"

namespace cutover::notify {

// Reads an environment variable; nullopt when unset. Injected for tests.
using SecretLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct Delivery {
  std::string app;
  std::string notifier;     // slack, webhook, commit_status
  std::string destination;  // url_origin of the URL: all that logs may show of it
  std::string about;        // "deployment 42 started", for logs
  Post post;
};

struct Plan {
  std::vector<Delivery> deliveries;
  // Notifiers that cannot be sent (a variable unset), as log lines without secrets.
  std::vector<std::string> problems;
};

Plan plan_deliveries(const AppConfig& app, const Notice& notice, const SecretLookup& secrets);

}  // namespace cutover::notify
