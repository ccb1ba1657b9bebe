#include "io/workbook/xml_stream.hpp"

#include <fmt/format.h>

#include <cstring>

#include "util/error.hpp"

namespace credit::io::workbook {

namespace {
constexpr char kSeparator = '\x01';  // between namespace URI and local name
}

XmlStream::XmlStream(std::string label)
    : parser_(XML_ParserCreateNS(nullptr, kSeparator)), label_(std::move(label)) {
  if (!parser_) fail(ErrorCode::internal, "cannot create an XML parser (out of memory)");
  XML_SetUserData(parser_, this);
  XML_SetElementHandler(
      parser_,
      [](void* self, const XML_Char* name, const XML_Char** attributes) {
        auto& s = *static_cast<XmlStream*>(self);
        if (s.on_start) s.guard([&] { s.on_start(local_name(name), attributes); });
      },
      [](void* self, const XML_Char* name) {
        auto& s = *static_cast<XmlStream*>(self);
        if (s.on_end) s.guard([&] { s.on_end(local_name(name)); });
      });
  XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* text, int length) {
    auto& s = *static_cast<XmlStream*>(self);
    if (s.on_text) s.guard([&] { s.on_text(std::string_view(text, static_cast<size_t>(length))); });
  });
}

XmlStream::~XmlStream() {
  XML_ParserFree(parser_);
}

void XmlStream::guard(const std::function<void()>& handler) {
  if (failure_) return;
  try {
    handler();
  } catch (...) {
    failure_ = std::current_exception();
    XML_StopParser(parser_, XML_FALSE);
  }
}

void XmlStream::feed(std::string_view bytes, bool is_final) {
  auto status = XML_Parse(parser_, bytes.data(), static_cast<int>(bytes.size()), is_final);
  if (failure_) std::rethrow_exception(failure_);
  if (status == XML_STATUS_OK) return;
  fail(ErrorCode::bad_input,
       fmt::format("{}: line {}: damaged XML: {}", label_, XML_GetCurrentLineNumber(parser_),
                   XML_ErrorString(XML_GetErrorCode(parser_))),
       "the workbook is damaged: open it in a spreadsheet program and save it again");
}

std::string_view XmlStream::local_name(const XML_Char* name) {
  std::string_view full(name);
  size_t cut = full.rfind(kSeparator);
  return cut == std::string_view::npos ? full : full.substr(cut + 1);
}

std::string_view XmlStream::attribute(Attributes attributes, std::string_view name) {
  for (; attributes && attributes[0]; attributes += 2)
    if (local_name(attributes[0]) == name) return attributes[1];
  return {};
}

}  // namespace credit::io::workbook
