#pragma once
// A named SAVEPOINT inside the caller's transaction: released (kept) or rolled back as a unit;
// rolled back when left by an exception.
#include <fmt/format.h>

#include <string>

#include "store/sqlite.hpp"

namespace credit::store {

class Savepoint {
 public:
  Savepoint(Db& db, std::string name) : db_(db), name_(std::move(name)) {
    db_.exec(fmt::format("SAVEPOINT {}", name_));
  }
  ~Savepoint() {
    if (!open_) return;
    try {
      rollback();
    } catch (...) {
    }
  }
  Savepoint(const Savepoint&) = delete;
  Savepoint& operator=(const Savepoint&) = delete;

  void release() {
    db_.exec(fmt::format("RELEASE {}", name_));
    open_ = false;
  }
  void rollback() {
    open_ = false;
    db_.exec(fmt::format("ROLLBACK TO {0}; RELEASE {0}", name_));
  }

 private:
  Db& db_;
  std::string name_;
  bool open_ = true;
};

}  // namespace credit::store
