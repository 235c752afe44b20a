#pragma once
// One ref that a push created, moved or deleted, in the same shape whichever
// host reported it.
#include <string>
#include <string_view>

#include "util/result.hpp"

namespace cutover {

struct RefChange {
  std::string ref;     // full name: refs/heads/main, refs/tags/v1.0.0
  std::string branch;  // "main" for refs/heads/main; "" for tags and other refs
  std::string after;   // the commit the ref now points at, lower-case hex; "" when deleted
  bool deleted = false;

  bool is_tag() const;
};

// `after` is a 40-digit (SHA-1) or 64-digit (SHA-256) commit id; all zeros is
// how every host reports a deleted ref.
Result<RefChange> updated_ref(std::string ref, std::string_view after);

// A deleted ref must be a full ref name too (found by webhook_fuzz: a
// deletion of "rafs/heads/x" was taken as is).
Result<RefChange> deleted_ref(std::string ref);

}  // namespace cutover
