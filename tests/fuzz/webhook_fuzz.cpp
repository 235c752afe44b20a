// libFuzzer target for agent/webhook: everything an unauthenticated sender
// controls (the app in /hooks/<app>, the headers, the body) goes through
// provider detection, signature checks, payload parsing, delivery ids and
// judge_webhook, and the properties the daemon relies on are checked against
// oracles written here from the hosts' documentation, not from the code under
// test.
//
// Input layout (tests/fuzz/webhook_seeds writes seeds in it):
//   byte 0              control bits, see read_control
//   a line              the app name in /hooks/<app>
//   a line              the branch the app deploys
//   "Name: value\n" ... header lines, up to an empty line
//   the rest            the body
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/patterns.hpp"
#include "core/config.hpp"
#include "webhook/body_json.hpp"
#include "webhook/delivery_id.hpp"
#include "webhook/headers.hpp"
#include "webhook/intake.hpp"
#include "webhook/provider.hpp"
#include "webhook/push_event.hpp"
#include "webhook/push_payload.hpp"
#include "webhook/signature.hpp"
#include "fuzz_check.hpp"

namespace cutover {
namespace {

constexpr std::string_view kSecret = "fuzz-secret";
constexpr std::string_view kSecretEnv = "FUZZ_SECRET";
constexpr std::string_view kApp = "web";

constexpr std::array kProviders{Provider::github, Provider::gitlab,    Provider::gitea,           Provider::forgejo,
                                Provider::gogs,   Provider::bitbucket, Provider::bitbucket_server};

// ---- what the fuzzer decides besides the request -------------------------

enum class Signing {
  as_given,     // only what the input's headers say
  valid_first,  // a valid signature (GitLab: token) for the detected host before the input's headers
  valid_last,   // the same after them, where an input header of the same name shadows it
  no_secret,    // the daemon has no secret for the app
};

struct Control {
  Signing signing;
  std::string configured;         // webhook.provider
  std::optional<Provider> focus;  // the host that configured names; nullopt for "any"
  bool form;                      // send the body as payload=<url-encoded body>
  bool content_type;              // add the Content-Type that matches the body's encoding
  bool lower_case;                // the headers the harness adds are named in lower case (as over HTTP/2)
};

// bits 0-1 signing, 2-4 webhook.provider (7 = any), 5 form, 6 Content-Type, 7 lower case.
Control read_control(std::uint8_t bits) {
  constexpr std::array kConfigured{"github",    "gitlab",           "gitea", "forgejo", "gogs",
                                   "bitbucket", "bitbucket-server", "any"};
  const auto configured = (bits >> 2) & 7u;
  return Control{static_cast<Signing>(bits & 3u),
                 kConfigured[configured],
                 configured < kProviders.size() ? std::optional(kProviders[configured]) : std::nullopt,
                 (bits & 0x20u) != 0,
                 (bits & 0x40u) != 0,
                 (bits & 0x80u) != 0};
}

struct Request {
  std::string app;
  std::string branch;
  Headers headers;
  std::string body;
};

std::string_view take_line(std::string_view& text) {
  const auto end = text.find('\n');
  const auto line = text.substr(0, end);
  text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  return line;
}

Request read_request(std::string_view input) {
  Request request;
  request.app = take_line(input);
  request.branch = take_line(input);
  while (!input.empty()) {
    const auto line = take_line(input);
    if (line.empty()) break;
    const auto colon = line.find(':');
    request.headers.emplace_back(line.substr(0, colon),
                                 colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1));
  }
  request.body = input;
  return request;
}

std::string url_encoded(std::string_view text) {
  constexpr std::string_view kDigits = "0123456789ABCDEF";
  std::string encoded;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += c;
    } else if (c == ' ') {
      encoded += '+';
    } else {
      encoded += '%';
      encoded += kDigits[byte >> 4];
      encoded += kDigits[byte & 15];
    }
  }
  return encoded;
}

// ---- oracles, from the hosts' documentation --------------------------------

std::string lower(std::string_view text) {
  std::string lowered(text);
  for (auto& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lowered;
}

std::string hex(const unsigned char* bytes, unsigned size) {
  std::string text;
  char digits[3];
  for (unsigned i = 0; i < size; ++i) {
    std::snprintf(digits, sizeof digits, "%02x", bytes[i]);
    text += digits;
  }
  return text;
}

std::string hmac_hex(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  if (HMAC(EVP_sha256(), kSecret.data(), static_cast<int>(kSecret.size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size) == nullptr)
    fuzz::violated(__FILE__, __LINE__, "OpenSSL HMAC failed");
  return hex(digest, size);
}

std::string sha256_hex(std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned size = 0;
  if (EVP_Digest(body.data(), body.size(), digest, &size, EVP_sha256(), nullptr) != 1)
    fuzz::violated(__FILE__, __LINE__, "OpenSSL SHA-256 failed");
  return hex(digest, size);
}

// HTTP: names in any case, the first field wins, blanks around the value do not count.
std::optional<std::string_view> header(const Headers& headers, std::string_view name) {
  for (const auto& [field, value] : headers) {
    if (lower(field) != lower(name)) continue;
    std::string_view trimmed = value;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
    return trimmed;
  }
  return std::nullopt;
}

struct SignatureSpec {
  std::string_view header;
  std::string_view prefix;
};

// In the order cutover prefers them; GitLab sends a token instead.
std::vector<SignatureSpec> signature_specs(Provider provider) {
  switch (provider) {
    case Provider::github:
      return {{"X-Hub-Signature-256", "sha256="}};
    case Provider::gitea:
      return {{"X-Gitea-Signature", ""}, {"X-Hub-Signature-256", "sha256="}};
    case Provider::forgejo:
      return {{"X-Forgejo-Signature", ""}, {"X-Gitea-Signature", ""}, {"X-Hub-Signature-256", "sha256="}};
    case Provider::gogs:
      return {{"X-Gogs-Signature", ""}};
    case Provider::bitbucket:
    case Provider::bitbucket_server:
      return {{"X-Hub-Signature", "sha256="}};
    case Provider::gitlab:
      return {};
  }
  return {};
}

bool signature_valid(Provider provider, const Headers& headers, std::string_view body) {
  if (provider == Provider::gitlab) return header(headers, "X-Gitlab-Token") == kSecret;
  for (const auto& spec : signature_specs(provider)) {
    const auto value = header(headers, spec.header);
    if (!value) continue;
    return value->size() >= spec.prefix.size() && lower(value->substr(0, spec.prefix.size())) == spec.prefix &&
           lower(value->substr(spec.prefix.size())) == hmac_hex(body);
  }
  return false;
}

std::pair<std::string, std::string> valid_signature(Provider provider, std::string_view body) {
  if (provider == Provider::gitlab) return {"X-Gitlab-Token", std::string(kSecret)};
  const auto spec = signature_specs(provider).front();
  return {std::string(spec.header), std::string(spec.prefix) + hmac_hex(body)};
}

std::string_view push_event_name(Provider provider) {
  switch (provider) {
    case Provider::gitlab:
      return "Push Hook";
    case Provider::bitbucket:
      return "repo:push";
    case Provider::bitbucket_server:
      return "repo:refs_changed";
    default:
      return "push";
  }
}

bool any_event_header(const Headers& headers) {
  for (const auto name :
       {"X-GitHub-Event", "X-Gitlab-Event", "X-Gitea-Event", "X-Forgejo-Event", "X-Gogs-Event", "X-Event-Key"}) {
    if (header(headers, name)) return true;
  }
  return false;
}

// A SHA-1 or SHA-256 commit id as git prints it, and not the all-zero "deleted" one.
bool is_commit_id(std::string_view text) {
  return (text.size() == 40 || text.size() == 64) &&
         std::ranges::all_of(text, [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }) &&
         !std::ranges::all_of(text, [](char c) { return c == '0'; });
}

// ---- properties ------------------------------------------------------------

void check_change(const RefChange& change) {
  FUZZ_CHECK(change.ref.starts_with("refs/"));
  FUZZ_CHECK(change.deleted == change.after.empty());
  if (!change.deleted) FUZZ_CHECK(is_commit_id(change.after));
  const bool branch = change.ref.starts_with("refs/heads/");
  FUZZ_CHECK(change.branch == (branch ? change.ref.substr(11) : std::string()));
  FUZZ_CHECK(change.is_tag() == change.ref.starts_with("refs/tags/"));
}

void check_event(const PushEvent& event) {
  for (const auto& change : event.changes) {
    check_change(change);
    if (change.branch.empty()) continue;
    const auto found = event.branch_change(change.branch);
    FUZZ_CHECK(found && found->branch == change.branch);
  }
  if (event.kind == EventKind::tag)
    FUZZ_CHECK(!event.changes.empty() && std::ranges::all_of(event.changes, &RefChange::is_tag));
  if (event.kind == EventKind::ping || event.kind == EventKind::other) FUZZ_CHECK(event.changes.empty());
  FUZZ_CHECK(!event.branch_change(""));
}

// The host's delivery header (some header's value), else the body's SHA-256.
void check_delivery_id(const std::string& id, const Headers& headers, std::string_view body) {
  FUZZ_CHECK(!id.empty());
  if (id == "sha256:" + sha256_hex(body)) return;
  FUZZ_CHECK(std::ranges::any_of(headers, [&](const auto& field) { return header(headers, field.first) == id; }));
}

// Every host's view of the same request: signature, JSON, payload and event.
// parse_push reads the whole body again, so it is forced to a push only for
// `focus`: the fuzzer still reaches every host through the control byte.
void fuzz_hosts(const Headers& headers, std::string_view body, Provider focus) {
  const auto json = parse_body_json(headers, body);
  if (json) FUZZ_CHECK(json->is_object());
  for (const auto provider : kProviders) {
    FUZZ_CHECK(verify_signature(provider, headers, body, kSecret).has_value() ==
               signature_valid(provider, headers, body));
    FUZZ_CHECK(!verify_signature(provider, headers, body, ""));

    auto signed_headers = headers;
    signed_headers.insert(signed_headers.begin(), valid_signature(provider, body));
    FUZZ_CHECK(verify_signature(provider, signed_headers, body, kSecret));

    check_delivery_id(delivery_id(provider, headers, body), headers, body);

    std::optional<Result<PushPayload>> payload;
    if (json) {
      payload = read_push_payload(provider, *json);
      if (*payload) std::ranges::for_each((*payload)->changes, check_change);
    }
    if (provider == focus) {
      // As the host's push event, so the body is read whatever the input's event header says.
      auto as_push = headers;
      as_push.emplace(as_push.begin(), event_header(provider), push_event_name(provider));
      const auto pushed = parse_push(provider, as_push, body);
      FUZZ_CHECK(pushed.has_value() == (payload && payload->has_value()));
      if (pushed) {
        check_event(*pushed);
        FUZZ_CHECK(pushed->kind == EventKind::push || pushed->kind == EventKind::tag);
      } else {
        FUZZ_CHECK(!pushed.error().message.empty());
      }
    }

    const auto event = parse_push(provider, headers, body);
    if (event) {
      check_event(*event);
      check_delivery_id(event->delivery_id, headers, body);
    }
  }
}

void check_detection(const Headers& headers) {
  const auto provider = detect_provider(headers);
  if (!any_event_header(headers)) FUZZ_CHECK(!provider);
  if (provider) FUZZ_CHECK(header(headers, event_header(*provider)));
}

// judge_webhook as the listener calls it, and what the listener does with its verdict.
void fuzz_judge(const Control& control, const Request& request) {
  Config config;
  AppConfig app;
  app.name = kApp;
  // cutover.yml admits only branch names that config/patterns.cpp accepts.
  app.branch = config::is_branch_name(request.branch) ? request.branch : "master";
  app.webhook = WebhookSpec{control.configured, std::string(kSecretEnv)};
  config.apps[app.name] = app;
  AppConfig quiet;
  quiet.name = "quiet";
  config.apps[quiet.name] = quiet;

  auto headers = request.headers;
  const auto detected = detect_provider(headers);
  if (detected && (control.signing == Signing::valid_first || control.signing == Signing::valid_last)) {
    auto signature = valid_signature(*detected, request.body);
    if (control.lower_case) signature.first = lower(signature.first);
    if (control.signing == Signing::valid_first)
      headers.insert(headers.begin(), signature);
    else
      headers.push_back(signature);
  }
  const auto secrets = [&](const std::string& name) -> std::optional<std::string> {
    if (control.signing == Signing::no_secret || name != kSecretEnv) return std::nullopt;
    return std::string(kSecret);
  };

  const auto verdict = judge_webhook(config, request.app, headers, request.body, secrets);

  FUZZ_CHECK(std::ranges::count(std::array{200, 202, 400, 401, 404, 500}, verdict.status) == 1);
  FUZZ_CHECK(verdict.deploy_sha.has_value() == (verdict.status == 202));
  FUZZ_CHECK(!verdict.log.empty());
  if (request.app != kApp) FUZZ_CHECK(verdict.status == 404);
  if (!detected && request.app == kApp) FUZZ_CHECK(verdict.status == 400);
  // hook_server.cpp answers with verdict.body.dump() (a deployment's answer it writes itself).
  if (!verdict.deploy_sha) FUZZ_CHECK(verdict.body.is_object());
  try {
    FUZZ_CHECK(!verdict.body.dump().empty());
  } catch (const nlohmann::json::exception& error) {
    fuzz::violated(__FILE__, __LINE__, "the verdict's body cannot be serialised:", error.what());
  }
  if (!verdict.deploy_sha) return;

  // A deployment only for a request signed with the app's secret, from an
  // accepted host, whose push moved the app's branch to that commit.
  FUZZ_CHECK(detected && control.signing != Signing::no_secret);
  FUZZ_CHECK(signature_valid(*detected, headers, request.body));
  FUZZ_CHECK(check_provider(control.configured, *detected));
  FUZZ_CHECK(is_commit_id(*verdict.deploy_sha));
  const auto event = parse_push(*detected, headers, request.body);
  FUZZ_CHECK(event && event->kind == EventKind::push);
  const auto change = event->branch_change(app.branch);
  FUZZ_CHECK(change && !change->deleted && change->after == *verdict.deploy_sha);
  FUZZ_CHECK(verdict.delivery_id == delivery_id(*detected, headers, request.body));
}

}  // namespace
}  // namespace cutover

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace cutover;
  if (size == 0) return 0;
  const auto control = read_control(data[0]);
  auto request = read_request({reinterpret_cast<const char*>(data) + 1, size - 1});
  if (control.form) request.body = "payload=" + url_encoded(request.body);
  if (control.content_type) {
    request.headers.emplace_back(control.lower_case ? "content-type" : "Content-Type",
                                 control.form ? "application/x-www-form-urlencoded" : "application/json");
  }

  check_detection(request.headers);
  fuzz_hosts(request.headers, request.body,
             control.focus.value_or(detect_provider(request.headers).value_or(Provider::github)));
  fuzz_judge(control, request);
  return 0;
}
