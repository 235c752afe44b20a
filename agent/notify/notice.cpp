#include "notify/notice.hpp"

#include <fmt/format.h>

namespace cutover::notify {
namespace {

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

// "1a2b3c4d5e6f from main"; just "main" before the commit is known.
std::string origin_of(const Notice& n) {
  const Deployment& d = n.deployment;
  if (d.sha.empty()) return n.ref;
  return fmt::format("{} from {}", short_sha(d.sha), n.ref);
}

}  // namespace

std::optional<Notice> notice_of(const Deployment& d, const AppConfig& app, TimestampMs now) {
  Notice notice;
  switch (d.state) {
    case DeploymentState::running:
      notice.moment = Moment::started;
      break;
    case DeploymentState::succeeded:
      notice.moment = Moment::succeeded;
      break;
    case DeploymentState::failed:
      notice.moment = Moment::failed;
      break;
    case DeploymentState::queued:
    case DeploymentState::superseded:
      return std::nullopt;
  }
  notice.deployment = d;
  notice.ref = d.ref.empty() && d.kind == DeploymentKind::deploy ? app.branch : d.ref;
  notice.at = now;
  return notice;
}

const char* to_string(Moment moment) {
  switch (moment) {
    case Moment::started:
      return "started";
    case Moment::succeeded:
      return "succeeded";
    case Moment::failed:
      return "failed";
  }
  return "?";
}

std::string release_of(const Notice& notice) {
  const Deployment& d = notice.deployment;
  return d.release_number ? release_id(d.app, d.release_number) : "";
}

std::string error_headline(const Notice& notice) {
  const std::string& error = notice.deployment.error;
  std::string line = error.substr(0, error.find('\n'));
  if (line.ends_with(':')) line.pop_back();
  return line;
}

std::string summary(const Notice& n) {
  const Deployment& d = n.deployment;
  const std::string release = release_of(n);
  if (d.kind == DeploymentKind::rollback) {
    switch (n.moment) {
      case Moment::started:
        return fmt::format("{}: rolling back to {}, {} (rollback {})", d.app, release, short_sha(d.sha), d.id);
      case Moment::succeeded:
        return fmt::format("{}: rolled back, {} is live, {} (rollback {})", d.app, release, short_sha(d.sha), d.id);
      case Moment::failed:
        return fmt::format("{}: rollback {} failed: {}", d.app, d.id, error_headline(n));
    }
  }
  switch (n.moment) {
    case Moment::started:
      return fmt::format("{}: deploying {} (deployment {})", d.app, origin_of(n), d.id);
    case Moment::succeeded:
      return fmt::format("{}: {} is live, {} (deployment {})", d.app, release, origin_of(n), d.id);
    case Moment::failed:
      return fmt::format("{}: deployment {} of {} failed: {}", d.app, d.id, origin_of(n), error_headline(n));
  }
  return {};
}

}  // namespace cutover::notify
