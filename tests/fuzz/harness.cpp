#include "harness.hpp"

#include <cstdlib>
#include <cstring>

#include "domain/privacy.hpp"
#include "domain/row_validation.hpp"
#include "domain/text_clean.hpp"
#include "io/encoding.hpp"
#include "io/kind_files.hpp"
#include "io/table_reader.hpp"
#include "io/workbook/workbook.hpp"
#include "util/error.hpp"
#include "util/json.hpp"
#include "util/paths.hpp"

namespace credit::fuzz {

namespace {

// Serves the data in chunks of varying size, so chunk boundaries fall everywhere.
class ChunkSource : public io::ByteSource {
 public:
  explicit ChunkSource(std::string_view data) : data_(data) {}
  size_t read(char* buffer, size_t n) override {
    size_t take = std::min({n, data_.size() - pos_, 1 + (pos_ * 7 + 3) % 61});
    std::memcpy(buffer, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  std::string label() const override { return "fuzz"; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

const domain::PolicyProfile& policy() {
  static const domain::PolicyProfile p =
      domain::parse_policy(read_text_file(share_path("policy/national-2026.json")));
  return p;
}

}  // namespace

size_t read_table_bytes(std::string_view data) {
  ChunkSource src(data);
  io::Utf8Reader text(src, std::nullopt);
  auto table = io::open_table(text, std::nullopt);
  io::TableRow row;
  size_t rows = 0;
  while (table->next(row)) {
    require(row.cells.size() <= table->columns().size() || table->format() == io::InputFormat::csv,
            "JSON row wider than its header");
    require(row.cell_lines.size() == row.cells.size(), "a line for every cell");
    ++rows;
  }
  return rows;
}

size_t decode_bytes(std::string_view data) {
  size_t total = 0;
  for (auto encoding : {io::Encoding::utf8, io::Encoding::gb18030}) {
    ChunkSource src(data);
    io::Utf8Reader text(src, encoding);
    char buffer[97];
    std::string out;
    while (size_t n = text.read(buffer, sizeof buffer))
      out.append(buffer, n);
    if (encoding == io::Encoding::gb18030)
      require(encode_utf8_as(out, encoding).size() >= out.size() / 2, "GB18030 round trip");
    total += out.size();
  }
  return total;
}

size_t validate_bytes(std::string_view data) {
  const domain::KindSpec& spec = io::shipped_kind_spec(domain::Kind::penalty);
  std::vector<std::string_view> raw(spec.fields.size());
  for (size_t f = 0; f < raw.size() && !data.empty(); ++f) {
    size_t cut = data.find('\x1f');
    raw[f] = data.substr(0, cut);
    data = cut == std::string_view::npos ? std::string_view() : data.substr(cut + 1);
  }
  domain::ValidatedRow row;
  domain::RowValidator(spec, policy(), *domain::Date::from_ymd(2026, 5, 6)).validate(raw, row);
  if (!row.ok()) return row.errors.size();
  std::string json;
  domain::append_canonical_data(spec, row, json);
  require(canonical_json(Json::parse(json)) == json, "canonical data is canonical JSON");
  require(domain::field_values_from_data(spec, json) == row.values, "data gives back the values");
  json.clear();
  domain::append_derivation(row, json);
  require(Json::parse(json).is_object(), "derivation is a JSON object");
  return 0;
}

size_t screen_bytes(std::string_view data) {
  static const domain::Screener screener(policy().privacy, policy().masking);
  const size_t cut = data.find('\x1f');
  const std::string_view name = cut == std::string_view::npos ? "" : data.substr(0, cut);
  const std::string_view text = cut == std::string_view::npos ? data : data.substr(cut + 1);
  const domain::Screened s = screener.screen(text, name);
  require(screener.detect(text, name) == s.found, "detect and screen agree");
  require(s.found != 0 || s.text == text, "nothing found, nothing changed");
  require((s.found == 0) == s.rules.empty(), "a rule for every change");
  require(!domain::is_valid_utf8(text) || domain::is_valid_utf8(s.text), "UTF-8 stays UTF-8");
  return s.text.size();
}

size_t read_workbook_bytes(std::string_view data) {
  size_t rows = 0;
  for (int sheet = 1; sheet <= 3; ++sheet) {
    ChunkSource src(data);
    io::PeekedSource peeked(src, io::workbook::kMagicBytes);
    auto format = io::workbook::detect(peeked.prefix());
    if (!format) return 0;
    std::unique_ptr<io::TableReader> table;
    try {
      table = io::workbook::open_workbook(peeked, *format, {std::to_string(sheet), {}});
    } catch (const Error&) {
      if (sheet == 1) throw;
      break;  // no such sheet (or damaged): the earlier ones were read
    }
    io::TableRow row;
    while (table->next(row)) {
      require(row.cells.size() == table->columns().size(), "a workbook row as wide as its header");
      require(row.cell_lines.size() == row.cells.size(), "a line for every cell");
      ++rows;
    }
  }
  return rows;
}

}  // namespace credit::fuzz
