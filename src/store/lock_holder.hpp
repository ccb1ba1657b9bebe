#pragma once
// Who holds a store's write lock, for the writers waiting for it: a small JSON file beside the
// store (STORE-holder) that a write operation writes once it has the lock and removes when done,
// so only the lock's holder ever writes it. The lock itself is SQLite's; the file only
// names it. A holder killed with -9 leaves its file behind: it names a process that no longer
// exists and is ignored (the next holder overwrites it).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace credit::store {

struct LockHolder {
  int64_t pid = 0;
  std::string user;   // "li.na"
  std::string what;   // "import batch 12"
  std::string since;  // China time, "2026-05-06T14:02:11+08:00"
  // "import batch 12 by li.na (process 4711), started 14:02:11"
  std::string describe() const;
};

class LockHolderFile {
 public:
  explicit LockHolderFile(const std::string& store_path) : path_(store_path + "-holder") {}

  // While holding the write lock: names this process as the holder (best effort: a store whose
  // directory is not writable fails anyway).
  void claim(const LockHolder& holder);
  // Removes the file if it still names `holder`. After the commit, so that the checkpoint a large
  // commit runs (writers wait for it too) is still named; another writer that took the lock
  // meanwhile has overwritten the file, which then stays.
  void release(const LockHolder& holder);
  // The holder the file names, unless there is none or its process is gone.
  std::optional<LockHolder> read() const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// "14m 5s", "1h 2m", "800 ms": a wait for people to read.
std::string format_wait(std::chrono::milliseconds waited);

}  // namespace credit::store

namespace credit::store {

// A write operation's claim on the holder file, from taking the write lock to its commit and the
// checkpoint after it (declare it after the Transaction).
class HeldLock {
 public:
  HeldLock(LockHolderFile& file, LockHolder holder);
  ~HeldLock() { release(); }
  HeldLock(const HeldLock&) = delete;
  HeldLock& operator=(const HeldLock&) = delete;

  // Names what the operation is doing once it knows ("import batch 12").
  void doing(const std::string& what);
  // After a commit in the middle of the operation (a chunk of a large batch): another writer may
  // have held the lock and overwritten the file meanwhile.
  void claim_again();
  void release();

 private:
  LockHolderFile& file_;
  LockHolder holder_;
  bool held_ = true;
};

}  // namespace credit::store
