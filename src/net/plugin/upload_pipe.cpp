#include "net/plugin/upload_pipe.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/error.hpp"

namespace credit::net {

namespace {
constexpr size_t kChunkBytes = 64 << 10;

class PipeSource : public io::ByteSource {
 public:
  PipeSource(std::shared_ptr<UploadPipe> pipe, size_t index)
      : pipe_(std::move(pipe)), index_(index) {}
  size_t read(char* buffer, size_t n) override { return pipe_->read(index_, buffer, n); }
  std::string label() const override { return pipe_->name(index_); }

 private:
  std::shared_ptr<UploadPipe> pipe_;
  size_t index_;
};
}  // namespace

UploadPipe::UploadPipe(std::vector<std::string> names, size_t capacity)
    : capacity_(capacity), names_(std::move(names)) {}

void UploadPipe::end_current_locked() {
  if (started_ > 0) queue_.push_back({started_ - 1, {}, true});
}

bool UploadPipe::begin_input() {
  std::lock_guard lock(mutex_);
  if (started_ >= names_.size()) return false;
  end_current_locked();
  ++started_;
  changed_.notify_all();
  return true;
}

bool UploadPipe::write(const char* data, size_t n) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return consumer_closed_ || buffered_ < capacity_; });
  if (consumer_closed_) return false;
  if (started_ == 0) fail(ErrorCode::internal, "upload data before its part began");
  size_t input = started_ - 1;
  if (queue_.empty() || queue_.back().input != input || queue_.back().end ||
      queue_.back().data.size() >= kChunkBytes)
    queue_.push_back({input, {}, false});
  queue_.back().data.append(data, n);
  buffered_ += n;
  changed_.notify_all();
  return true;
}

void UploadPipe::finish(bool complete, std::string problem) {
  std::lock_guard lock(mutex_);
  if (complete) end_current_locked();
  finished_ = true;
  complete_ = complete;
  problem_ = std::move(problem);
  changed_.notify_all();
}

size_t UploadPipe::read(size_t index, char* buffer, size_t n) {
  std::unique_lock lock(mutex_);
  if (index < reading_)
    fail(ErrorCode::internal,
         fmt::format("input '{}' was read after a later input (uploads are read in order)",
                     names_.at(index)));
  reading_ = index;
  for (;;) {
    if (!queue_.empty()) {
      Chunk& front = queue_.front();
      if (front.input < index) {  // an earlier input the service did not read to its end
        buffered_ -= front.data.size() - front_offset_;
        queue_.pop_front();
        front_offset_ = 0;
        changed_.notify_all();
        continue;
      }
      if (front.input > index || front.end) return 0;
      size_t take = std::min(n, front.data.size() - front_offset_);
      std::memcpy(buffer, front.data.data() + front_offset_, take);
      front_offset_ += take;
      buffered_ -= take;
      if (front_offset_ == front.data.size()) {
        queue_.pop_front();
        front_offset_ = 0;
      }
      changed_.notify_all();
      return take;
    }
    if (finished_) {
      if (!complete_)
        fail(ErrorCode::bad_input,
             fmt::format("the upload of '{}' did not arrive whole: {}", names_.at(index),
                         problem_.empty() ? "the connection broke" : problem_),
             "send the request again");
      if (index >= started_)
        fail(ErrorCode::bad_input,
             fmt::format("the request announced {} inputs but sent {}", names_.size(), started_),
             "the client and the server may be different versions");
      return 0;
    }
    changed_.wait(lock);
  }
}

void UploadPipe::close_consumer() {
  std::lock_guard lock(mutex_);
  consumer_closed_ = true;
  queue_.clear();
  buffered_ = 0;
  front_offset_ = 0;
  changed_.notify_all();
}

std::vector<service::InputFile> upload_inputs(const std::shared_ptr<UploadPipe>& pipe) {
  std::vector<service::InputFile> inputs;
  for (size_t i = 0; i < pipe->size(); ++i)
    inputs.push_back({pipe->name(i), std::make_shared<PipeSource>(pipe, i)});
  return inputs;
}

}  // namespace credit::net
