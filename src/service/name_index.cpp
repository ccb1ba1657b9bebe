#include "service/name_index.hpp"

#include <fmt/format.h>

#include "domain/text_clean.hpp"
#include "store/sqlite.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

// An FTS5 string: double quotes, an embedded quote doubled; everything else is literal.
std::string fts5_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + '"';
}

// The trigram tokenizer folds case; the term list holds folded trigrams. Names are cleaned to
// ASCII letters (full-width forms converted), so folding ASCII is enough here.
std::string ascii_lower(std::string text) {
  for (char& c : text)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return text;
}

bool has_control_character(std::string_view text) {
  for (unsigned char c : text)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

}  // namespace

std::string normalise_name_query(std::string_view text) {
  auto cleaned = domain::clean_value(text, false);
  if (!cleaned.ok())
    fail(ErrorCode::bad_input, fmt::format("--name: {}", cleaned.error),
         "give the name as UTF-8 text");
  const std::string& name = cleaned.value;
  const size_t length = domain::utf8_length(name);
  if (length == 0)
    fail(ErrorCode::bad_input, "--name is empty", "give some characters of the subject's name");
  if (length > kMaxNameQuery)
    fail(ErrorCode::bad_input,
         fmt::format("--name is {} characters long; names have at most {}", length, kMaxNameQuery),
         "give a part of the name");
  if (cleaned.controls > 0 || has_control_character(name))
    fail(ErrorCode::bad_input, "--name holds a control character", "give printable text");
  return name;
}

std::optional<std::string> name_match_expression(store::Db& db, const std::string& name) {
  if (domain::utf8_length(name) >= 3) return fts5_string(name);
  // One or two characters are too few for a trigram: every occurrence begins some indexed
  // trigram (the index appends two U+001F to each name), so the trigrams that begin with them
  // are the answer. The term list is read by a range on its sorted terms, not scanned.
  auto terms = db.prepare(
      "SELECT term FROM record_name_terms WHERE term >= ?1 AND term < ?1 || char(1114111)");
  terms.bind(1, ascii_lower(name));
  std::string expression;
  while (terms.step()) {
    if (!expression.empty()) expression += " OR ";
    expression += fts5_string(terms.column_view(0));
  }
  if (expression.empty()) return std::nullopt;
  return expression;
}

NewRecordNames::NewRecordNames(store::Db& db) : db_(db) {
  auto last = db_.prepare("SELECT coalesce(max(id), 0) FROM records");
  last.step();
  last_id_ = last.column_int64(0);
}

void NewRecordNames::finish() {
  auto index = db_.prepare(
      "INSERT INTO record_names (rowid, name) SELECT id, subject_name || char(31, 31) FROM "
      "records WHERE id > ?");
  index.bind(1, last_id_).run();
  auto last = db_.prepare("SELECT coalesce(max(id), 0) FROM records");
  last.step();
  last_id_ = last.column_int64(0);
}

}  // namespace credit::service
