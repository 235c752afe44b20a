#pragma once
// Slack incoming webhooks: a JSON {"text": ...} POSTed to the hook's URL.
#include <string>

#include "notify/notice.hpp"
#include "notify/sender.hpp"

namespace cutover::notify {

// The text is one summary line; &, < and > are Slack's markup (<!channel>
// would ping everyone), so they are escaped as Slack asks.
Post slack_post(const std::string& url, const Notice& notice);

}  // namespace cutover::notify
