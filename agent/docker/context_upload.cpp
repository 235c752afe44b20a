#include "docker/context_upload.hpp"

#include "util/http.hpp"

namespace cutover {

ContextUpload::ContextUpload(const ContextProducer& producer, std::size_t buffer_bytes)
    : pipe_(buffer_bytes), producer_([this, &producer] { produce(producer); }) {}

ContextUpload::~ContextUpload() {
  pipe_.close_reader();
  if (producer_.joinable()) producer_.join();
}

void ContextUpload::produce(const ContextProducer& producer) {
  produced_ = producer([this](std::string_view chunk) -> Status {
    if (pipe_.write(chunk)) return {};
    stopped_by_reader_ = true;
    return fail("the upload to dockerd stopped before the build context was complete");
  });
  if (produced_) {
    pipe_.finish();
  } else {
    pipe_.abort();
  }
}

std::size_t ContextUpload::read(char* buf, std::size_t size) {
  const auto n = pipe_.read(buf, size);
  return n ? *n : kHttpAbortUpload;
}

Status ContextUpload::finish() {
  pipe_.close_reader();
  if (producer_.joinable()) producer_.join();
  if (!produced_ && !stopped_by_reader_) return produced_;
  return {};
}

}  // namespace cutover
