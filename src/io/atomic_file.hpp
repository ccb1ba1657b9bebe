#pragma once
// A file written through a temporary beside it and renamed into place on commit, hashing every
// byte on the way: an export that fails half-way leaves nothing behind, and its SHA-256 needs no
// second read.
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "util/crypto.hpp"

namespace credit::io {

class AtomicFile {
 public:
  explicit AtomicFile(std::string path);  // throws Error(bad_input) when it cannot be created
  ~AtomicFile();                          // removes the temporary unless committed
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  // Flushes and syncs the data; returns its SHA-256. The file is still the temporary.
  std::string finish();
  // Renames the temporary to the path.
  void commit();

  int64_t bytes() const { return bytes_; }
  const std::string& path() const { return path_; }

 private:
  [[noreturn]] void failed(const char* what);
  std::string path_, temp_;
  std::FILE* file_ = nullptr;
  std::string buffer_;  // stdio's buffer: exports write many small records
  crypto::Sha256 sha_;
  int64_t bytes_ = 0;
  bool committed_ = false;
};

}  // namespace credit::io
