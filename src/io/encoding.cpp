#include "io/encoding.hpp"

#include <fmt/format.h>
#include <iconv.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/error.hpp"

namespace credit::io {

namespace {

constexpr size_t kChunk = 1 << 16;

iconv_t open_iconv(const char* to, const char* from) {
  iconv_t cd = ::iconv_open(to, from);
  if (cd == reinterpret_cast<iconv_t>(-1))
    fail(ErrorCode::internal,
         fmt::format("iconv cannot convert {} to {}: {}", from, to, std::strerror(errno)),
         "install the glibc gconv modules (package libc6)");
  return cd;
}

// Length of a valid UTF-8 sequence starting at s[i], 0 when invalid, -1 when cut off by the end.
int utf8_sequence(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return 1;
  int len = b >= 0xF0 && b <= 0xF4 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 && b < 0xE0 ? 2 : 0;
  if (len == 0) return 0;
  for (int k = 1; k < len; ++k) {
    if (i + k >= s.size()) return -1;
    const auto c = static_cast<unsigned char>(s[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    // Overlong 3/4-byte forms, surrogates and code points above U+10FFFF.
    if (k == 1 && ((b == 0xE0 && c < 0xA0) || (b == 0xED && c > 0x9F) || (b == 0xF0 && c < 0x90) ||
                   (b == 0xF4 && c > 0x8F)))
      return 0;
  }
  return len;
}

}  // namespace

std::string_view to_string(Encoding e) {
  return e == Encoding::utf8 ? "utf-8" : "gb18030";
}

std::optional<Encoding> parse_encoding(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (lower == "utf-8" || lower == "utf8") return Encoding::utf8;
  if (lower == "gb18030" || lower == "gbk" || lower == "gb2312" || lower == "cp936")
    return Encoding::gb18030;
  return std::nullopt;
}

Encoding detect_encoding(std::string_view prefix) {
  if (prefix.starts_with(kUtf8Bom)) return Encoding::utf8;
  if (prefix.starts_with("\xFF\xFE") || prefix.starts_with("\xFE\xFF") ||
      prefix.starts_with(std::string_view("\x00\x00\xFE\xFF", 4)))
    fail(ErrorCode::bad_input, "the file is UTF-16 or UTF-32, which credit does not read",
         "save it as UTF-8 or GBK, or convert it: iconv -f UTF-16 -t UTF-8 FILE");
  for (size_t i = 0; i < prefix.size();) {
    int len = utf8_sequence(prefix, i);
    if (len < 0) break;  // cut off by the end of the prefix
    if (len == 0) return Encoding::gb18030;
    i += static_cast<size_t>(len);
  }
  return Encoding::utf8;
}

Utf8Reader::Utf8Reader(ByteSource& raw, std::optional<Encoding> forced) : raw_(raw) {
  // Sniff up to one chunk (sources may return less per read).
  in_.resize(kChunk);
  size_t have = 0;
  while (have < kChunk) {
    size_t got = raw_.read(in_.data() + have, kChunk - have);
    if (got == 0) {
      raw_done_ = true;
      break;
    }
    have += got;
  }
  in_.resize(have);
  encoding_ = forced ? *forced : detect_encoding(in_);
  if (in_.starts_with(kUtf8Bom)) {
    bom_ = true;
    if (encoding_ == Encoding::utf8) in_.erase(0, kUtf8Bom.size());
  }
  if (encoding_ == Encoding::gb18030) iconv_ = open_iconv("UTF-8", "GB18030");
}

Utf8Reader::~Utf8Reader() {
  if (iconv_) ::iconv_close(static_cast<iconv_t>(iconv_));
}

void Utf8Reader::convert_pending(bool at_end) {
  if (encoding_ == Encoding::utf8) {
    out_.append(in_);
    in_.clear();
    return;
  }
  size_t start = out_.size();
  out_.resize(start + in_.size() * 2 + 16);  // GB18030 → UTF-8 grows by at most 1.5×
  char* in = in_.data();
  size_t in_left = in_.size();
  char* out = out_.data() + start;
  size_t out_left = out_.size() - start;
  size_t rc = ::iconv(static_cast<iconv_t>(iconv_), &in, &in_left, &out, &out_left);
  int err = errno;
  out_.resize(static_cast<size_t>(out - out_.data()));
  lines_ += std::count(out_.begin() + static_cast<std::ptrdiff_t>(start), out_.end(), '\n');
  converted_ += in_.size() - in_left;
  if (rc == static_cast<size_t>(-1) && (err == EILSEQ || (err == EINVAL && at_end))) {
    const auto byte = static_cast<unsigned char>(*in);
    fail(ErrorCode::bad_input,
         fmt::format("{}: line {}: byte 0x{:02X} at offset {} {} GB18030", raw_.label(), lines_,
                     byte, converted_,
                     err == EINVAL ? "starts a sequence cut off by the end of the file, not"
                                   : "is not valid"),
         encoding_ == Encoding::gb18030
             ? "check the file's encoding; give --encoding utf-8 if it is UTF-8"
             : std::string());
  }
  in_.erase(0, in_.size() - in_left);  // keep a sequence split by the chunk boundary
}

bool Utf8Reader::fill() {
  out_.erase(0, out_pos_);
  out_pos_ = 0;
  while (out_.empty()) {
    if (in_.empty() && raw_done_) return false;
    if (!raw_done_ && in_.size() < kChunk) {
      size_t have = in_.size();
      in_.resize(have + kChunk);
      size_t got = raw_.read(in_.data() + have, kChunk);
      in_.resize(have + got);
      if (got == 0) raw_done_ = true;
    }
    convert_pending(raw_done_);
    if (out_.empty() && raw_done_ && in_.empty()) return false;
  }
  return true;
}

std::string_view Utf8Reader::peek() {
  if (out_pos_ >= out_.size()) fill();
  return std::string_view(out_).substr(out_pos_);
}

size_t Utf8Reader::read(char* buffer, size_t n) {
  if (out_pos_ >= out_.size() && !fill()) return 0;
  size_t take = std::min(n, out_.size() - out_pos_);
  std::memcpy(buffer, out_.data() + out_pos_, take);
  out_pos_ += take;
  return take;
}

std::string encode_utf8_as(std::string_view utf8, Encoding target) {
  if (target == Encoding::utf8) return std::string(utf8);
  iconv_t cd = open_iconv("GB18030", "UTF-8");
  std::string out(utf8.size() * 2 + 16, '\0');
  std::string in(utf8);
  char* inp = in.data();
  size_t in_left = in.size();
  char* outp = out.data();
  size_t out_left = out.size();
  size_t rc = ::iconv(cd, &inp, &in_left, &outp, &out_left);
  ::iconv_close(cd);
  if (rc == static_cast<size_t>(-1))
    fail(ErrorCode::bad_input, "text cannot be written as GB18030 (it is not valid UTF-8)");
  out.resize(out.size() - out_left);
  return out;
}

}  // namespace credit::io
