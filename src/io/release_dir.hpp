#pragma once
// A directory of files written whole or not at all: the files go into a private temporary
// directory beside the target, are hashed on the way and synced, and the directory is renamed into
// place in one step — a reader (the portal's pickup) never sees half a release.
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "util/crypto.hpp"

namespace credit::io {

class ReleaseDir {
 public:
  // `parent` must exist. Throws Error(bad_input) when the temporary directory cannot be made.
  explicit ReleaseDir(std::string parent);
  ~ReleaseDir();  // removes the temporary directory unless committed
  ReleaseDir(const ReleaseDir&) = delete;
  ReleaseDir& operator=(const ReleaseDir&) = delete;

  // Appends `line` and a newline to the file, creating it on first use. File names are plain
  // ([A-Za-z0-9._-], not starting with a dot); anything else is Error(integrity).
  void append_line(const std::string& file, std::string_view line);
  // Creates the file if it does not exist yet (an empty file has a digest too).
  void touch(const std::string& file);
  void write_file(const std::string& file, std::string_view content);

  struct Written {
    std::string name;
    int64_t lines = 0, bytes = 0;
    std::string sha256;
  };
  // Flushes and syncs every file; each one's digest, by name.
  std::map<std::string, Written> finish();
  // Where a file is until commit (to send it elsewhere).
  std::string temp_path(const std::string& file) const;

  // Renames the directory to parent/name (a plain name) and syncs the parent. When parent/name
  // exists already and its `same_file` has the same content as ours, the release was delivered
  // there before: nothing changes and false is returned; other content there is Error(conflict).
  bool commit(const std::string& name, const std::string& same_file);

 private:
  struct File {
    std::FILE* stream = nullptr;
    std::unique_ptr<crypto::Sha256> sha;
    Written written;
  };
  File& open(const std::string& file);
  void write(File& f, std::string_view data);
  [[noreturn]] void failed(const std::string& what) const;

  std::string parent_, temp_;
  int lock_fd_ = -1;  // holds the temporary directory while this run writes it
  std::map<std::string, File> files_;
  bool committed_ = false;
};

}  // namespace credit::io
