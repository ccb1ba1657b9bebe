#include "io/report_render.hpp"

#include <fmt/format.h>

#include <cmath>

#include "domain/text_clean.hpp"
#include "io/csv_writer.hpp"

namespace credit::io {

namespace {

std::string text_of(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

std::string one_line(std::string text) {
  for (char& c : text)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  return text;
}

const Json& columns_of(const Json& section) {
  static const Json none = Json::array();
  return section.contains("columns") ? section["columns"] : none;
}

bool is_numeric_type(std::string_view type) {
  return type == "count" || type == "ratio";
}

// ---- table ----

std::string aligned_table(const Json& section) {
  const Json& cols = columns_of(section);
  std::vector<std::vector<std::string>> cells;
  std::vector<std::string> header;
  std::vector<bool> right;
  for (const auto& c : cols) {
    header.push_back(c["title"].get<std::string>());
    right.push_back(is_numeric_type(c["type"].get<std::string>()));
  }
  for (const auto& row : section["rows"]) {
    std::vector<std::string> line;
    for (const auto& c : cols) {
      const std::string key = c["key"].get<std::string>();
      line.push_back(report_cell_text(row.value(key, Json()), column_type(section, row, key)));
    }
    cells.push_back(std::move(line));
  }
  std::vector<size_t> widths;
  for (const auto& h : header)
    widths.push_back(domain::display_width(h));
  for (const auto& line : cells)
    for (size_t i = 0; i < line.size(); ++i)
      widths[i] = std::max(widths[i], domain::display_width(line[i]));
  std::string out;
  auto emit = [&](const std::vector<std::string>& line) {
    std::string text;
    for (size_t i = 0; i < line.size(); ++i) {
      const size_t pad = widths[i] - domain::display_width(line[i]);
      if (right[i]) text.append(pad, ' ');
      text += line[i];
      if (!right[i] && i + 1 < line.size()) text.append(pad, ' ');
      if (i + 1 < line.size()) text += "  ";
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text + "\n";
  };
  emit(header);
  for (const auto& line : cells)
    emit(line);
  return out;
}

std::string render_table(const Json& doc) {
  std::string out = fmt::format("{}\n{}\n{}\n{}\n", text_of(doc["title"]), report_period_text(doc),
                                report_department_text(doc), report_generated_text(doc));
  for (const auto& note : doc["notes"])
    out += "note: " + one_line(text_of(note)) + "\n";
  for (const auto& s : doc["sections"]) {
    out +=
        fmt::format("\n== {} ==\n{}\n", text_of(s["title"]), one_line(text_of(s["description"])));
    if (!s["available"].get<bool>()) {
      out += "not available: " + text_of(s["unavailable_reason"]) + "\n";
      continue;
    }
    if (s["rows"].empty())
      out += "(nothing in this period)\n";
    else
      out += aligned_table(s);
    for (const auto& note : s["notes"])
      out += "note: " + one_line(text_of(note)) + "\n";
  }
  return out;
}

// ---- csv ----

std::string csv_value(const Json& v) {
  if (v.is_null()) return "";
  if (v.is_string()) return v.get<std::string>();
  return v.dump();
}

std::string csv_rows(const Json& section, bool titles) {
  std::vector<std::string> header;
  for (const auto& c : columns_of(section))
    header.push_back(c[titles ? "title" : "key"].get<std::string>());
  std::string out = csv_record(header);
  for (const auto& row : section["rows"]) {
    std::vector<std::string> fields;
    for (const auto& c : columns_of(section))
      fields.push_back(csv_value(row.value(c["key"].get<std::string>(), Json())));
    out += csv_record(fields);
  }
  return out;
}

std::string render_csv(const Json& doc) {
  const Json& sections = doc["sections"];
  if (sections.size() == 1 && sections[0]["available"].get<bool>())
    return csv_rows(sections[0], false);
  std::string out =
      csv_record({text_of(doc["title"]), report_period_text(doc), report_department_text(doc)});
  for (const auto& s : sections) {
    out += "\r\n" + csv_record({text_of(s["title"]), text_of(s["id"])});
    if (!s["available"].get<bool>())
      out += csv_record({"not available: " + text_of(s["unavailable_reason"])});
    else
      out += csv_rows(s, true);
  }
  return out;
}

// ---- markdown ----

std::string md_escape(std::string text) {
  std::string out;
  for (char c : one_line(std::move(text))) {
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`' || c == '<' || c == '[')
      out += '\\';
    out += c;
  }
  return out;
}

std::string md_table(const Json& section) {
  std::string head = "|", rule = "|";
  for (const auto& c : columns_of(section)) {
    head += fmt::format(" {} |", md_escape(c["title"].get<std::string>()));
    rule += is_numeric_type(c["type"].get<std::string>()) ? " ---: |" : " --- |";
  }
  std::string out = fmt::format("{}\n{}\n", head, rule);
  for (const auto& row : section["rows"]) {
    out += "|";
    for (const auto& c : columns_of(section)) {
      const std::string key = c["key"].get<std::string>();
      out += fmt::format(" {} |", md_escape(report_cell_text(row.value(key, Json()),
                                                             column_type(section, row, key))));
    }
    out += "\n";
  }
  return out;
}

std::string render_markdown(const Json& doc) {
  std::string out =
      fmt::format("# {}\n\n- {}\n- {}\n- {}\n", md_escape(text_of(doc["title"])),
                  md_escape(report_period_text(doc)), md_escape(report_department_text(doc)),
                  md_escape(report_generated_text(doc)));
  for (const auto& note : doc["notes"])
    out += "\n> " + md_escape(text_of(note)) + "\n";
  for (const auto& s : doc["sections"]) {
    out += fmt::format("\n## {}\n\n{}\n\n", md_escape(text_of(s["title"])),
                       md_escape(text_of(s["description"])));
    if (!s["available"].get<bool>())
      out += "*Not available:* " + md_escape(text_of(s["unavailable_reason"])) + "\n";
    else if (s["rows"].empty())
      out += "*Nothing in this period.*\n";
    else
      out += md_table(s);
    for (const auto& note : s["notes"])
      out += "\n> " + md_escape(text_of(note)) + "\n";
  }
  return out;
}

}  // namespace

std::optional<ReportFormat> parse_report_format(std::string_view name) {
  if (name == "table") return ReportFormat::table;
  if (name == "json") return ReportFormat::json;
  if (name == "csv") return ReportFormat::csv;
  if (name == "markdown") return ReportFormat::markdown;
  if (name == "html") return ReportFormat::html;
  return std::nullopt;
}

std::string report_cell_text(const Json& value, std::string_view type) {
  if (value.is_null()) return "-";
  if (type == "ratio" && value.is_number())
    return fmt::format("{:.1f}%", value.get<double>() * 100.0);
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_string()) return one_line(value.get<std::string>());
  return value.dump();
}

std::string column_type(const Json& section, const Json& row, std::string_view key) {
  if (row.contains("type") && row["type"].is_string() && key == "value")
    return row["type"].get<std::string>();
  for (const auto& c : columns_of(section))
    if (c["key"].get<std::string>() == key) return c["type"].get<std::string>();
  return "text";
}

std::string report_period_text(const Json& doc) {
  const Json& p = doc["period"];
  return fmt::format("Period: {} to {} ({} days), by {}", text_of(p["from"]), text_of(p["to"]),
                     text_of(p["days"]), text_of(p["basis"]));
}

std::string report_department_text(const Json& doc) {
  const std::string dept = text_of(doc["department"]);
  if (dept == "*") return "Department: all departments";
  const std::string name = text_of(doc["department_name"]);
  return name.empty() ? "Department: " + dept : fmt::format("Department: {} ({})", name, dept);
}

std::string report_generated_text(const Json& doc) {
  std::string text = "Generated " + text_of(doc["generated_at"]);
  if (!doc["simulated_at"].is_null()) text += " (simulated " + text_of(doc["simulated_at"]) + ")";
  return text + "; policy " + text_of(doc["policy"]) + "; as of " + text_of(doc["today"]);
}

std::string render_report(const Json& doc, ReportFormat format) {
  switch (format) {
    case ReportFormat::json:
      return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    case ReportFormat::csv:
      return render_csv(doc);
    case ReportFormat::markdown:
      return render_markdown(doc);
    case ReportFormat::html:
      return render_report_html(doc);
    case ReportFormat::table:
      break;
  }
  return render_table(doc);
}

}  // namespace credit::io
