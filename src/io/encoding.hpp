#pragma once
// Text encodings of imported files: UTF-8 (with or without a BOM) and GB18030 (which includes GBK
// and GB2312). Detection looks at the start of the file; conversion uses glibc's iconv, streaming,
// with multi-byte sequences split across chunk boundaries carried over.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "io/byte_source.hpp"

namespace credit::io {

enum class Encoding { utf8, gb18030 };
std::string_view to_string(Encoding e);  // "utf-8" | "gb18030"
// utf-8, utf8, gb18030, gbk, gb2312, cp936 (any case).
std::optional<Encoding> parse_encoding(std::string_view name);

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// A BOM or valid UTF-8 (an incomplete sequence cut off at the end of `prefix` allowed) → utf8;
// anything else → gb18030. Throws Error(bad_input) for UTF-16/UTF-32 byte order marks.
Encoding detect_encoding(std::string_view prefix);

// Reads a source as UTF-8: the encoding detected from the first 64 KiB (or given), a UTF-8 BOM
// dropped, GB18030 converted. A byte sequence that is not GB18030 stops reading with
// Error(bad_input) naming its line; invalid UTF-8 passes through for the validator to report per
// row.
class Utf8Reader : public ByteSource {
 public:
  Utf8Reader(ByteSource& raw, std::optional<Encoding> forced);
  ~Utf8Reader() override;
  Utf8Reader(const Utf8Reader&) = delete;
  Utf8Reader& operator=(const Utf8Reader&) = delete;

  size_t read(char* buffer, size_t n) override;
  std::string label() const override { return raw_.label(); }

  // The decoded text not yet read, at least the first chunk (empty only at the end).
  std::string_view peek();
  Encoding encoding() const { return encoding_; }
  bool had_bom() const { return bom_; }

 private:
  bool fill();  // decodes the next chunk into out_; false at the end
  void convert_pending(bool at_end);

  ByteSource& raw_;
  Encoding encoding_ = Encoding::utf8;
  bool bom_ = false;
  void* iconv_ = nullptr;  // iconv_t
  std::string in_;         // raw bytes not yet converted (a split sequence, or the sniffed prefix)
  std::string out_;        // decoded bytes not yet read
  size_t out_pos_ = 0;
  bool raw_done_ = false;
  int64_t lines_ = 1;       // for error messages: lines decoded so far
  uint64_t converted_ = 0;  // raw bytes converted so far
};

// Converts UTF-8 text to `target` (for rejects files written in the input's encoding); characters
// that have no mapping cannot occur for GB18030, which covers all of Unicode.
std::string encode_utf8_as(std::string_view utf8, Encoding target);

}  // namespace credit::io
