#include "io/output.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "domain/text_clean.hpp"
#include "io/csv_writer.hpp"
#include "util/error.hpp"

namespace credit::io {

namespace {
constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kReset = "\033[0m";

int first_write_errno = 0;  // of any stream: the first failure, kept for the final message

void note_failure() {
  if (first_write_errno == 0) first_write_errno = errno ? errno : EIO;
}

void write(std::FILE* out, std::string_view text) {
  if (std::fwrite(text.data(), 1, text.size(), out) != text.size()) note_failure();
}

void flush(std::FILE* out) {
  if (std::fflush(out) != 0) note_failure();
}

std::string title_of(const Column& c) {
  return c.title.empty() ? c.key : c.title;
}

std::string single_line(std::string text) {
  std::replace_if(
      text.begin(), text.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
  return text;
}

void pad_to(std::string& line, std::string_view cell, size_t width) {
  line += cell;
  size_t w = domain::display_width(cell);
  if (w < width) line.append(width - w, ' ');
}
}  // namespace

int output_error() {
  return first_write_errno;
}

std::optional<Format> parse_format(std::string_view name) {
  if (name == "table") return Format::table;
  if (name == "json") return Format::json;
  if (name == "ndjson") return Format::ndjson;
  if (name == "csv") return Format::csv;
  return std::nullopt;
}

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return ::isatty(::fileno(stream)) == 1;
}

std::string Output::cell_text(const Json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return domain::escape_controls(single_line(value.get<std::string>()));
  if (value.is_boolean()) return value.get<bool>() ? "yes" : "no";
  if (value.is_array()) {
    std::string out;
    for (const auto& item : value) {
      if (!out.empty()) out += ", ";
      out += cell_text(item);
    }
    return out;
  }
  return value.dump();
}

RowWriter::RowWriter(Format format, std::vector<Column> columns, std::FILE* out, bool color)
    : format_(format), columns_(std::move(columns)), out_(out), color_(color) {
  if (format_ == Format::csv) {
    std::vector<std::string> header;
    for (const auto& c : columns_)
      header.push_back(c.key);
    write(out_, csv_record(header));
  } else if (format_ == Format::json) {
    write(out_, "[");
  }
}

void RowWriter::add(const Json& row) {
  switch (format_) {
    case Format::table: {
      std::vector<std::string> cells;
      for (const auto& c : columns_)
        cells.push_back(Output::cell_text(row.value(c.key, Json())));
      table_.push_back(std::move(cells));
      break;
    }
    case Format::json:
      write(out_, count_ ? ",\n  " : "\n  ");
      write(out_, row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      break;
    case Format::ndjson:
      write(out_, row.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
      write(out_, "\n");
      break;
    case Format::csv: {
      std::vector<std::string> fields;
      for (const auto& c : columns_) {
        Json v = row.value(c.key, Json());
        fields.push_back(v.is_null()     ? ""
                         : v.is_string() ? v.get<std::string>()
                                         : Output::cell_text(v));
      }
      write(out_, csv_record(fields));
      break;
    }
  }
  ++count_;
}

void RowWriter::finish() {
  if (format_ == Format::json) {
    write(out_, count_ ? "\n]\n" : "]\n");
  } else if (format_ == Format::table) {
    std::vector<size_t> widths;
    for (const auto& c : columns_)
      widths.push_back(domain::display_width(title_of(c)));
    for (const auto& cells : table_)
      for (size_t i = 0; i < cells.size(); ++i)
        widths[i] = std::max(widths[i], domain::display_width(cells[i]));
    auto emit = [&](const std::vector<std::string>& cells, bool header) {
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i + 1 == cells.size())
          line += cells[i];  // no trailing padding
        else
          pad_to(line, cells[i], widths[i] + 2);
      }
      if (header && color_) line = kBold + line + kReset;
      write(out_, line + "\n");
    };
    std::vector<std::string> header;
    for (const auto& c : columns_)
      header.push_back(title_of(c));
    emit(header, true);
    for (const auto& cells : table_)
      emit(cells, false);
  }
  flush(out_);
}

Output::Output(Format format, bool quiet, bool verbose, std::FILE* out, std::FILE* err)
    : format_(format),
      quiet_(quiet),
      verbose_(verbose),
      out_(out),
      err_(err),
      color_out_(use_color(out)),
      color_err_(use_color(err)) {}

void Output::object(const Json& value, const std::vector<Column>& fields) {
  switch (format_) {
    case Format::json:
      write(out_, value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      break;
    case Format::ndjson:
      write(out_, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
      break;
    case Format::csv: {
      std::vector<Column> columns = fields;
      if (columns.empty())
        for (const auto& [key, v] : value.items())
          columns.push_back({key, ""});
      RowWriter writer(format_, columns, out_, false);
      writer.add(value);
      writer.finish();
      break;
    }
    case Format::table: {
      if (quiet_) break;
      std::vector<Column> columns = fields;
      if (columns.empty())
        for (const auto& [key, v] : value.items())
          columns.push_back({key, ""});
      size_t width = 0;
      for (const auto& c : columns)
        width = std::max(width, domain::display_width(title_of(c)));
      for (const auto& c : columns) {
        std::string line;
        std::string title = title_of(c);
        if (color_out_) line += kBold;
        pad_to(line, title, width + 2);
        if (color_out_) line += kReset;
        line += cell_text(value.value(c.key, Json()));
        write(out_, line + "\n");
      }
      break;
    }
  }
  flush(out_);
}

void Output::rows(const std::vector<Column>& columns, const Json& rows) {
  if (format_ == Format::table && quiet_) return;
  RowWriter writer = row_writer(columns);
  for (const auto& row : rows)
    writer.add(row);
  writer.finish();
}

RowWriter Output::row_writer(const std::vector<Column>& columns) {
  return RowWriter(format_, columns, out_, color_out_);
}

void Output::say(std::string_view text) {
  if (quiet_) return;
  write(out_, fmt::format("{}\n", domain::escape_controls(text, true)));
  flush(out_);
}

void Output::note(std::string_view text) {
  if (!quiet_) write(err_, fmt::format("{}\n", domain::escape_controls(text, true)));
}

void Output::info(std::string_view text) {
  if (verbose_) write(err_, fmt::format("{}\n", domain::escape_controls(text, true)));
}

void Output::warn(std::string_view text) {
  write(err_, fmt::format("{}warning:{} {}\n", color_err_ ? kYellow : "", color_err_ ? kReset : "",
                          domain::escape_controls(text, true)));
}

void Output::error(const Error& e) {
  // Messages quote file names and values: escaped, so they cannot drive the terminal.
  std::string text = fmt::format("{}error:{} {}\n", color_err_ ? kRed : "",
                                 color_err_ ? kReset : "", domain::escape_controls(e.what(), true));
  if (!e.hint().empty())
    text += fmt::format("  hint: {}\n", domain::escape_controls(e.hint(), true));
  write(err_, text);
}

}  // namespace credit::io
