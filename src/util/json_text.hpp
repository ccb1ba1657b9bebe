#pragma once
// Writing JSON text by hand where a row is built a million times (imports): the same bytes
// nlohmann::json's compact dump produces, without building a value first.
#include <string>
#include <string_view>

namespace credit {

// Appends `text` (valid UTF-8) as a JSON string literal, escaped as nlohmann::json::dump does.
void append_json_string(std::string& out, std::string_view text);

}  // namespace credit
