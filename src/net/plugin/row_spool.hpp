#pragma once
// Response lines of a call whose upload is still arriving. httplib sends a response only after the
// handler has read the whole request body, so the lines a call produces meanwhile wait here: in
// memory up to a limit, then in an unlinked temporary file, so that a call that reports on every
// row of a huge upload cannot exhaust the server's memory.
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace credit::net {

class RowSpool {
 public:
  explicit RowSpool(size_t memory_limit = size_t{8} << 20);
  ~RowSpool();
  RowSpool(const RowSpool&) = delete;
  RowSpool& operator=(const RowSpool&) = delete;

  // The producer (the call's thread). append throws Error(store_unavailable) once the reader has
  // gone away, which ends the call.
  void append(std::string_view line);
  void close();

  // The consumer (the response): waits for more; false when all was taken and the producer closed.
  bool take(std::string& out);
  void cancel();  // the client went away

 private:
  void spill_locked(std::string_view data);

  std::mutex mutex_;
  std::condition_variable changed_;
  std::string memory_;
  size_t memory_limit_;
  int fd_ = -1;
  uint64_t file_read_ = 0, file_write_ = 0;  // unread lines are [file_read_, file_write_)
  bool closed_ = false, cancelled_ = false;
};

}  // namespace credit::net
