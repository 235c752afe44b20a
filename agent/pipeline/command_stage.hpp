#pragma once
// test and release stages: one command in a throwaway container of the new
// image, before traffic moves. Its output goes into the deployment log; a
// non-zero exit or the timeout fails the stage.
#include <cstdint>
#include <string>

#include "deploy/event_log.hpp"
#include "docker/docker.hpp"

namespace cutover {

struct CommandStageRun {
  std::int64_t deployment = 0;
  std::string step;         // the event step: "test", "release"
  ContainerSpec container;  // one_off; removed afterwards whatever happens
  Millis timeout{600000};
};

Status run_command_stage(Docker& docker, EventLog& events, const CommandStageRun& run);

}  // namespace cutover
