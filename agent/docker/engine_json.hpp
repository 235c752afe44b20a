#pragma once
// The JSON documents cutover sends to and reads from the Engine API.
#include <string>
#include <string_view>
#include <vector>

#include "docker/docker.hpp"
#include "util/http.hpp"

namespace cutover {

// Body of POST /containers/create.
std::string container_create_body(const ContainerSpec& spec);
// Body of POST /networks/create: a bridge network.
std::string network_create_body(const std::string& name, const Labels& labels);
// The filters parameter of GET /containers/json: {"label":["k=v","k"]}.
std::string label_filters(const Labels& filter);
// The answer of GET /containers/json.
Result<std::vector<ContainerInfo>> parse_container_list(std::string_view body);
// The Id in the answer of POST /containers/create.
Result<std::string> parse_created_id(std::string_view body);
// The StatusCode in the answer of POST /containers/{id}/wait.
Result<int> parse_exit_code(std::string_view body);
// What dockerd says in an error answer: its "message", else the raw body.
std::string answer_message(const HttpResponse& response);

}  // namespace cutover
