#include "service/file_import.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "io/csv_writer.hpp"
#include "io/digest_source.hpp"
#include "io/workbook/workbook.hpp"
#include "util/error.hpp"

namespace credit::service {

namespace {

std::string field_list(const domain::KindSpec& spec, const std::vector<int>& fields) {
  std::string out;
  for (int f : fields)
    out += (out.empty() ? "" : ", ") + spec.fields[static_cast<size_t>(f)].label();
  return out;
}

// Column → field for a table whose header may grow (JSON keys appear as rows are read).
class ColumnMap {
 public:
  ColumnMap(const domain::KindSpec& spec, const io::TableReader& table, const std::string& file)
      : spec_(spec), table_(table), file_(file), field_column_(spec.fields.size(), -1) {}

  // Maps columns added since the last call; returns the indices of unknown ones.
  std::vector<size_t> update() {
    std::vector<size_t> unknown;
    const auto& columns = table_.columns();
    if (column_field_.size() == columns.size()) return unknown;
    if (has_header_row(table_)) return map_csv_header();
    for (size_t c = column_field_.size(); c < columns.size(); ++c) {
      int f = spec_.match_header(columns[c]);
      if (f >= 0 && field_column_[static_cast<size_t>(f)] >= 0) f = -1;  // a second key for it
      column_field_.push_back(f);
      if (f >= 0)
        field_column_[static_cast<size_t>(f)] = static_cast<int>(c);
      else
        unknown.push_back(c);
    }
    return unknown;
  }
  int field_of(size_t column) const {
    return column < column_field_.size() ? column_field_[column] : -1;
  }
  int column_of(int field) const { return field_column_[static_cast<size_t>(field)]; }
  // A CSV with the columns a rejects file adds: its cells were guarded against formula injection
  // when written (io/csv_writer.hpp), and lose that guard on re-import.
  bool rejects_file() const {
    const auto& columns = table_.columns();
    return std::any_of(columns.begin(), columns.end(), [](const auto& column) {
      const std::string key = domain::normalise_header(column);
      return std::find(domain::kRejectColumns.begin(), domain::kRejectColumns.end(), key) !=
             domain::kRejectColumns.end();
    });
  }

 private:
  std::vector<size_t> map_csv_header() {
    domain::HeaderMapping m = domain::map_header(spec_, table_.columns());
    if (!m.missing_required.empty())
      fail(ErrorCode::bad_input,
           fmt::format("{}: the header lacks required columns: {}; nothing was imported", file_,
                       field_list(spec_, m.missing_required)),
           fmt::format("name every required column of a {} file, in Chinese or by its code "
                       "(`man credit-import` lists them)",
                       domain::to_string(spec_.kind)));
    if (!m.duplicates.empty()) {
      auto [first, again] = m.duplicates.front();
      fail(ErrorCode::bad_input,
           fmt::format("{}: columns {} and {} both mean {}; nothing was imported", file_,
                       table_.column_label(static_cast<size_t>(first)),
                       table_.column_label(static_cast<size_t>(again)),
                       spec_.fields[static_cast<size_t>(m.column_field[first])].label()),
           "remove one of the two columns");
    }
    column_field_ = m.column_field;
    for (size_t c = 0; c < column_field_.size(); ++c)
      if (column_field_[c] >= 0)
        field_column_[static_cast<size_t>(column_field_[c])] = static_cast<int>(c);
    return {m.unknown_columns.begin(), m.unknown_columns.end()};
  }

  const domain::KindSpec& spec_;
  const io::TableReader& table_;
  const std::string& file_;
  std::vector<int> column_field_;
  std::vector<int> field_column_;
};

}  // namespace

Json FileImport::read(const InputFile& input, const ReadOptions& options) {
  const domain::KindSpec& spec = applier_.spec();
  io::DigestSource digest(*input.source);
  io::PeekedSource peeked(digest, io::workbook::kMagicBytes);
  auto workbook = io::workbook::detect(peeked.prefix());
  std::optional<io::Utf8Reader> text;
  if (!workbook) text.emplace(peeked, options.encoding);
  io::HeaderSearch search;
  search.line = options.header_row;
  search.score = [&spec](const std::vector<std::string>& cells) {
    return static_cast<int>(std::count_if(cells.begin(), cells.end(), [&](const std::string& c) {
      return spec.match_header(c) >= 0;
    }));
  };
  if (workbook && options.format && !has_header_row(*options.format))
    fail(ErrorCode::bad_input,
         fmt::format("{}: --input-format {} given, but the file is a workbook ({})", input.name,
                     io::to_string(*options.format), io::to_string(*workbook)),
         "leave out --input-format: workbooks are recognised by their content");
  if (!workbook && !options.sheet.empty())
    fail(ErrorCode::usage,
         fmt::format("{}: --sheet given, but the file is not a workbook", input.name),
         "--sheet chooses a sheet of an .xlsx or .xls file");
  auto table = workbook ? io::workbook::open_workbook(peeked, *workbook, {options.sheet, search})
                        : io::open_table(*text, options.format, search);
  const auto encoding = text ? text->encoding() : io::Encoding::utf8;
  const bool csv = has_header_row(*table);
  ColumnMap columns(spec, *table, input.name);
  io::TableRow row;

  auto report_unknown = [&](const std::vector<size_t>& unknown) {
    for (size_t c : unknown) {
      std::string label = table->column_label(c);
      unknown_.push_back({{"file", input.name}, {"column", label}});
      report_row(ctx_, {{"type", "unknown_column"}, {"file", input.name}, {"column", label}});
    }
  };
  report_unknown(columns.update());

  // The rejects file has the input's columns (CSV) or the kind's codes (JSON), announced once.
  bool announced = false;
  applier_.before_reject = [&] {
    if (announced) return;
    announced = true;
    Json names = Json::array();
    if (csv)
      for (const auto& c : table->columns())
        names.push_back(c);
    else
      for (const auto& f : spec.fields)
        names.push_back(f.code);
    report_row(ctx_, {{"type", "columns"},
                      {"file", input.name},
                      {"columns", std::move(names)},
                      {"encoding", io::to_string(encoding)}});
  };

  RowOrigin origin;
  origin.file = input.name;
  origin.locate = [&](int field) -> std::pair<std::string, int64_t> {
    int c = columns.column_of(field);
    if (c < 0)
      return {fmt::format("({}: no such column)", spec.fields[static_cast<size_t>(field)].name),
              row.line};
    return {table->column_label(static_cast<size_t>(c)),
            static_cast<size_t>(c) < row.cell_lines.size() ? row.cell_lines[c] : row.line};
  };
  std::vector<std::string_view> raw(spec.fields.size());
  int64_t rows = 0;
  while (table->next(row)) {
    if (!csv) report_unknown(columns.update());
    origin.line = row.line;
    std::fill(raw.begin(), raw.end(), std::string_view());
    if (csv && columns.rejects_file())
      for (auto& cell : row.cells)
        cell = io::csv_unguarded(cell);
    for (size_t c = 0; c < row.cells.size(); ++c)
      if (int f = columns.field_of(c); f >= 0) raw[static_cast<size_t>(f)] = row.cells[c];
    if (csv) {
      origin.cells = row.cells;
      origin.cells.resize(table->columns().size());
    } else {
      origin.cells = raw;
    }
    if (!row.problem.empty())
      applier_.reject_row(origin, row.problem);
    else
      applier_.apply(raw, origin);
    if (after_row) after_row();
    if (++rows % kProgressEvery == 0)
      report_row(ctx_, {{"type", "progress"},
                        {"rows", applier_.counts().rows},
                        {"bytes", bytes_done_ + digest.bytes()}});
  }
  applier_.before_reject = nullptr;
  bytes_done_ += digest.bytes();
  Json manifest = {{"name", input.name},
                   {"sha256", digest.hex_digest()},
                   {"bytes", digest.bytes()},
                   {"encoding", io::to_string(encoding)},
                   {"bom", text && text->had_bom()},
                   {"format", io::to_string(table->format())},
                   {"header_line", table->header_line()},
                   {"rows", rows}};
  if (workbook) manifest["sheet"] = table->sheet();
  return manifest;
}

}  // namespace credit::service
