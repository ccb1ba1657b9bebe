#pragma once
// The --rejects file: every rejected row in the input's own columns plus 原文件行号, 错误列 and
// 错误原因, as CSV in the input's encoding (GB18030 stays GB18030; UTF-8 gets a BOM so that
// spreadsheet programs read it), ready to be corrected and imported again (the three extra
// columns are ignored on import). Inputs with different columns go to separate files:
// FILE, then FILE with "-2", "-3" … before the extension.
#include <cstdio>
#include <string>
#include <vector>

#include "io/encoding.hpp"

namespace credit::io {

class RejectsFile {
 public:
  // `keep`: the files this command reads, which no rejects file may overwrite (io/output_guard).
  RejectsFile(std::string path, std::vector<std::string> keep)
      : path_(std::move(path)), keep_(std::move(keep)) {}
  ~RejectsFile();
  RejectsFile(const RejectsFile&) = delete;
  RejectsFile& operator=(const RejectsFile&) = delete;

  // The columns and encoding of the input whose rejects follow.
  void columns(const std::vector<std::string>& names, Encoding encoding);
  void add(const std::vector<std::string>& cells, int64_t line, const std::string& column,
           const std::string& reason);
  // Closes the files; throws Error(bad_input) when writing failed.
  void close();
  // The files written so far.
  const std::vector<std::string>& paths() const { return paths_; }
  int64_t rows() const { return rows_; }

 private:
  void write(const std::string& utf8);

  std::string path_;
  std::vector<std::string> keep_;
  std::vector<std::string> paths_;
  std::vector<std::string> header_;
  Encoding encoding_ = Encoding::utf8;
  std::FILE* out_ = nullptr;
  size_t width_ = 0;
  int64_t rows_ = 0;
};

}  // namespace credit::io
