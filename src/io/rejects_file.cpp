#include "io/rejects_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "domain/kind_spec.hpp"
#include "io/csv_writer.hpp"
#include "io/output_guard.hpp"
#include "util/error.hpp"

namespace credit::io {

namespace {
std::string numbered(const std::string& path, size_t n) {
  if (n == 1) return path;
  size_t dot = path.rfind('.');
  size_t slash = path.rfind('/');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash))
    return fmt::format("{}-{}", path, n);
  return fmt::format("{}-{}{}", path.substr(0, dot), n, path.substr(dot));
}
}  // namespace

RejectsFile::~RejectsFile() {
  if (out_) std::fclose(out_);
}

void RejectsFile::columns(const std::vector<std::string>& names, Encoding encoding) {
  if (out_ && names == header_ && encoding == encoding_) return;
  if (out_) close();
  header_ = names;
  encoding_ = encoding;
  width_ = names.size();
  std::string path = numbered(path_, paths_.size() + 1);
  refuse_clobbering(path, "--rejects", keep_);
  // O_NOFOLLOW: a symlink planted after the check is not followed either.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
  out_ = fd < 0 ? nullptr : ::fdopen(fd, "wb");
  if (!out_)
    fail(ErrorCode::bad_input,
         fmt::format("cannot write the rejects file '{}': {}", path, std::strerror(errno)),
         "check the --rejects path and its directory's permissions");
  paths_.push_back(path);
  if (encoding_ == Encoding::utf8) std::fwrite(kUtf8Bom.data(), 1, kUtf8Bom.size(), out_);
  std::vector<std::string> header = names;
  for (auto extra : domain::kRejectColumns)
    header.emplace_back(extra);
  write(csv_record(header));
}

void RejectsFile::add(const std::vector<std::string>& cells, int64_t line,
                      const std::string& column, const std::string& reason) {
  if (!out_) columns(std::vector<std::string>(cells.size()), Encoding::utf8);
  std::vector<std::string> row = cells;
  row.resize(width_);
  row.push_back(std::to_string(line));
  row.push_back(column);
  row.push_back(reason);
  write(csv_record(row));
  ++rows_;
}

void RejectsFile::write(const std::string& utf8) {
  std::string bytes = encode_utf8_as(utf8, encoding_);
  if (std::fwrite(bytes.data(), 1, bytes.size(), out_) != bytes.size())
    fail(ErrorCode::bad_input, fmt::format("cannot write the rejects file '{}': {}", paths_.back(),
                                           std::strerror(errno)));
}

void RejectsFile::close() {
  if (!out_) return;
  int rc = std::fclose(out_);
  out_ = nullptr;
  if (rc != 0)
    fail(ErrorCode::bad_input, fmt::format("cannot write the rejects file '{}': {}", paths_.back(),
                                           std::strerror(errno)));
}

}  // namespace credit::io
