#pragma once
// What a notification reports: a deployment at the moment it got its commit
// (started) or ended (succeeded, failed), frozen then, because the deployer
// goes on changing its own copy while the notification waits in the queue.
#include <optional>
#include <string>

#include "core/config.hpp"
#include "core/release.hpp"

namespace cutover::notify {

enum class Moment { started, succeeded, failed };

struct Notice {
  Moment moment = Moment::started;
  Deployment deployment;
  std::string ref;  // what was asked for: the deployment's ref, else the app's branch (deploys)
  TimestampMs at = 0;
};

// nullopt for the states nobody is told about (queued, superseded).
std::optional<Notice> notice_of(const Deployment& d, const AppConfig& app, TimestampMs now);

const char* to_string(Moment moment);
// "web@4", or "" while no release is assigned.
std::string release_of(const Notice& notice);
// The first line of the error, without a dangling ':' that introduced more
// lines (container logs), which stay in the events and the webhook payload.
std::string error_headline(const Notice& notice);
// One sentence for people, such as "web@4 is live (1a2b3c4d5e6f from main)".
std::string summary(const Notice& notice);

}  // namespace cutover::notify
