#pragma once
// Expat, namespace-aware, with element names reduced to their local part (OOXML writers differ in
// prefixes: Excel writes none, others "x:"), fed from any reader of bytes.
#include <expat.h>

#include <exception>
#include <functional>
#include <string>
#include <string_view>

namespace credit::io::workbook {

class XmlStream {
 public:
  using Attributes = const XML_Char**;
  std::function<void(std::string_view name, Attributes attributes)> on_start;
  std::function<void(std::string_view name)> on_end;
  std::function<void(std::string_view text)> on_text;

  explicit XmlStream(std::string label);
  ~XmlStream();
  XmlStream(const XmlStream&) = delete;
  XmlStream& operator=(const XmlStream&) = delete;

  // Parses the next piece (is_final on the last); throws Error(bad_input) naming the part and line.
  void feed(std::string_view bytes, bool is_final);

  // The value of attribute `name` (local part) or empty.
  static std::string_view attribute(Attributes attributes, std::string_view name);
  static std::string_view local_name(const XML_Char* name);

 private:
  // Handlers run inside expat (C): an exception must not unwind through it, so it stops the
  // parser and is rethrown by feed().
  void guard(const std::function<void()>& handler);

  XML_Parser parser_;
  std::exception_ptr failure_;
  std::string label_;
};

}  // namespace credit::io::workbook
