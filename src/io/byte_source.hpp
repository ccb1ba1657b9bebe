#pragma once
// Where input bytes come from: a file, stdin, memory, or (remotely) an HTTP request body.
// The service reads inputs through this interface so that it never cares where they live.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace credit::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to n bytes; returns 0 at the end. Throws credit::Error on failure.
  virtual size_t read(char* buffer, size_t n) = 0;
  // A label for messages: the file name, "stdin", "upload".
  virtual std::string label() const = 0;
};

// A source whose first bytes can be looked at before anything reads it (to tell formats apart).
class PeekedSource : public ByteSource {
 public:
  PeekedSource(ByteSource& inner, size_t peek_bytes);
  std::string_view prefix() const { return prefix_; }
  size_t read(char* buffer, size_t n) override;
  std::string label() const override { return inner_.label(); }

 private:
  ByteSource& inner_;
  std::string prefix_;
  size_t replayed_ = 0;
};

// Opens a file for reading; "-" means stdin. Throws Error(not_found/bad_input) with a hint.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);
std::unique_ptr<ByteSource> make_string_source(std::string data, std::string label);

// Reads everything (for small inputs: evidence files, calendar notices).
std::string read_all(ByteSource& source, size_t limit);

}  // namespace credit::io
