#pragma once
// The bridge between an HTTP request body and the service's inputs. httplib pushes the body to a
// callback on the connection thread, while the service pulls each input through io::ByteSource on
// its own thread; this pipe joins the two with a bounded buffer, so that a 500 MB upload never sits
// in memory and a slow service slows the sender down (through TCP flow control).
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "service/call.hpp"

namespace credit::net {

class UploadPipe {
 public:
  explicit UploadPipe(std::vector<std::string> names, size_t capacity = size_t{4} << 20);

  // --- the producer: the connection thread, input parts in order ---
  // Starts the next input; false when the request has more inputs than it announced.
  bool begin_input();
  // Appends to the current input, waiting while the buffer is full. Returns false once the
  // consumer has finished: the bytes are dropped.
  bool write(const char* data, size_t n);
  // The body has ended: `complete` when it was whole and well-formed, else `problem` says what
  // went wrong, and the service's next read of an unfinished input fails with it.
  void finish(bool complete, std::string problem = {});

  // --- the consumer: the service's thread ---
  // Reads input `index`; returns 0 at its end. Inputs are read in order: moving on to a later
  // input skips what is left of the earlier ones.
  size_t read(size_t index, char* buffer, size_t n);
  // The call has returned: the producer stops waiting and drops the rest.
  void close_consumer();

  size_t size() const { return names_.size(); }
  const std::string& name(size_t index) const { return names_[index]; }

 private:
  struct Chunk {
    size_t input;
    std::string data;
    bool end = false;  // marks the end of `input`
  };
  void end_current_locked();

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Chunk> queue_;
  size_t front_offset_ = 0;  // bytes of queue_.front() already read
  size_t buffered_ = 0;
  size_t capacity_;
  std::vector<std::string> names_;
  size_t started_ = 0;  // inputs the producer has begun
  size_t reading_ = 0;  // the input the consumer reads
  bool finished_ = false, complete_ = false, consumer_closed_ = false;
  std::string problem_;
};

// One InputFile per announced input, each reading its part of the pipe.
std::vector<service::InputFile> upload_inputs(const std::shared_ptr<UploadPipe>& pipe);

}  // namespace credit::net
