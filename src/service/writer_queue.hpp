#pragma once
// Writers of one process in arrival order. SQLite keeps no queue for its write lock (waiters poll
// it, docs/concurrency.md), so among the clients of `credit serve` a write that arrived first
// could wait behind later ones; each server call that writes takes a ticket here first and
// competes for the store's lock only on its turn.
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace credit::service {

class WriterQueue {
 public:
  // Holding a Turn is being first in the queue; its end lets the next writer in.
  class Turn {
   public:
    explicit Turn(WriterQueue& queue) : queue_(queue) {}
    ~Turn() { queue_.next(); }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    WriterQueue& queue_;
  };

  // Takes a ticket and waits until every writer that arrived before has finished.
  void wait_turn() {
    std::unique_lock lock(mutex_);
    const uint64_t ticket = issued_++;
    turn_.wait(lock, [&] { return serving_ == ticket; });
  }
  // Writers waiting or running, for messages and tests.
  uint64_t queued() {
    std::lock_guard lock(mutex_);
    return issued_ - serving_;
  }

 private:
  void next() {
    {
      std::lock_guard lock(mutex_);
      ++serving_;
    }
    turn_.notify_all();
  }
  std::mutex mutex_;
  std::condition_variable turn_;
  uint64_t issued_ = 0, serving_ = 0;
};

}  // namespace credit::service
