#pragma once
// Whether a pushed commit is behind what cutover already fetched: a
// replayed, delayed or out-of-order push webhook names a commit that the
// mirror's branch has since moved past. Read from the mirror on disk with a
// handle of its own (no network, a few milliseconds), so the listener can
// answer such a delivery at once without deploying it (SPEC section 3).
#include <optional>
#include <string>

namespace cutover {

// The branch tip in the bare mirror at dir when `pushed` is a strict
// ancestor of it; nullopt when it is the tip, is unknown to the mirror, is
// not an ancestor (a force-push back), or the mirror cannot be read.
std::optional<std::string> newer_known_tip(const std::string& dir, const std::string& branch,
                                           const std::string& pushed);

}  // namespace cutover
