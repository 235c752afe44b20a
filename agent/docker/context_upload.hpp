#pragma once
// Streams a build context to an HTTP upload while it is being produced: the
// producer runs in its own thread and writes into a bounded pipe that the
// upload drains, so the tar never has to fit in memory.
#include <cstddef>
#include <thread>

#include "docker/byte_pipe.hpp"
#include "docker/docker.hpp"

namespace cutover {

class ContextUpload {
 public:
  // producer must outlive this object.
  ContextUpload(const ContextProducer& producer, std::size_t buffer_bytes);
  ~ContextUpload();
  ContextUpload(const ContextUpload&) = delete;
  ContextUpload& operator=(const ContextUpload&) = delete;

  // For HttpRequest::read_body: bytes of the context, 0 at its end, or
  // kHttpAbortUpload when the producer failed.
  std::size_t read(char* buf, std::size_t size);

  // Call once the HTTP exchange is over: stops a producer that is still
  // writing, waits for it, and returns the producer's own failure. A failure
  // caused only by the upload stopping early is the exchange's to report.
  Status finish();

 private:
  void produce(const ContextProducer& producer);

  BytePipe pipe_;
  Status produced_;
  bool stopped_by_reader_ = false;  // written by the producer thread before it ends
  std::thread producer_;            // last: starts once the members above exist
};

}  // namespace cutover
