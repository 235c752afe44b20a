#pragma once
// The JSON bodies the control API takes, read strictly: an object with only
// the keys the endpoint knows, each of the type it needs. Anything else is
// an error naming the key, the type expected and the type sent (SPEC
// guarantee 9), never an exception. Pure, so tests/fuzz/control_api_fuzz.cpp
// feeds it whatever bytes a client could send.
#include <string>
#include <string_view>

#include "envs/control.hpp"
#include "util/result.hpp"

namespace cutover {

// POST /v1/apps/APP/deploy {"ref": "..."} or .../rollback {"to": "..."};
// an empty body or {} is "" (the branch tip, or the previous live release).
Result<std::string> submit_ref(bool rollback, std::string_view body);

// POST /v1/environments/ENV/wake|sleep: {}, {"for_ms": N} or {"until": "text"}.
Result<envs::HoldRequest> hold_request(envs::Power state, std::string_view body);

// POST /v1/hosts/HOST/trust {"fingerprint": "SHA256:..."}: the key the
// operator confirmed; required, since trust is never given blind.
Result<std::string> trust_fingerprint(std::string_view body);

}  // namespace cutover
