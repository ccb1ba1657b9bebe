#pragma once
// Renders a report document (docs/report.md: header, sections with typed columns, rows and a
// chart) in the formats `credit report` offers. Pure formatting: no store, no clock, no files.
#include <optional>
#include <string>
#include <string_view>

#include "util/json.hpp"

namespace credit::io {

enum class ReportFormat { table, json, csv, markdown, html };
std::optional<ReportFormat> parse_report_format(std::string_view name);

// The whole document in `format`. html is one self-contained page (inline CSS and SVG charts, no
// scripts, nothing fetched); markdown uses GitHub tables; csv writes each section as a block
// (title, header, rows, blank line) unless the document holds one section, which is then a plain
// table with the column keys as header.
std::string render_report(const Json& doc, ReportFormat format);
std::string render_report_html(const Json& doc);  // report_html.cpp

// A cell as people read it: counts as integers, ratios as percentages, null as "-".
std::string report_cell_text(const Json& value, std::string_view type);
// The column type of `key` in a section ("text", "count", "ratio", "date"); a row may override
// it with its own "type" (key figures mixing counts and ratios).
std::string column_type(const Json& section, const Json& row, std::string_view key);
// The document's header lines: period, department, generation time, policy.
std::string report_period_text(const Json& doc);
std::string report_department_text(const Json& doc);
std::string report_generated_text(const Json& doc);

}  // namespace credit::io
