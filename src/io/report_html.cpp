// The HTML rendering of a report: one self-contained page for leaders — inline CSS, inline SVG
// charts drawn here from the section's chart spec, no scripts, nothing fetched. Every text from
// the document is escaped. Charts and cells carry data-* attributes (section, key, value) so a
// test can read the figures back from the rendered page.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "io/report_render.hpp"

namespace credit::io {

namespace {

constexpr int kChartWidth = 760;
constexpr int kLabelWidth = 230;
constexpr int kValueWidth = 80;
constexpr int kBarHeight = 18;
constexpr int kBarGap = 6;
constexpr size_t kMaxBars = 40;  // longer tables are charted by their first rows

std::string esc(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string str(const Json& v) {
  return v.is_string() ? v.get<std::string>() : v.is_null() ? std::string() : v.dump();
}

double num(const Json& v) {
  return v.is_number() ? v.get<double>() : 0.0;
}

std::string colour(std::string_view tone) {
  if (tone == "good") return "#2e8b57";
  if (tone == "warn") return "#d98e04";
  if (tone == "bad") return "#c0392b";
  if (tone == "neutral") return "#9aa5b1";
  return "#2f6db5";
}

// The value as data-value: the JSON number itself, so a reader can compare it exactly.
std::string data_value(const Json& v) {
  return v.is_null() ? "" : esc(v.is_string() ? v.get<std::string>() : v.dump());
}

std::string label_of(const Json& row, const std::string& key) {
  const std::string text = str(row.value(key, Json()));
  return text.empty() ? "-" : text;
}

// Cuts a label to about `max` characters (UTF-8 aware) for the chart; the table has it whole.
std::string short_label(const std::string& text, size_t max = 22) {
  size_t chars = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && chars++ == max) break;
  }
  return i < text.size() ? text.substr(0, i) + "…" : text;
}

std::string legend(const Json& series) {
  std::string out = "<p class=\"legend\">";
  for (const auto& s : series)
    out += fmt::format("<span><i style=\"background:{}\"></i>{}</span>", colour(str(s["tone"])),
                       esc(str(s["title"])));
  return out + "</p>\n";
}

// Horizontal bars, one per row; stacked when the chart has several series.
std::string bar_chart(const Json& section, const Json& chart, bool stacked) {
  const std::string id = str(section["id"]), label = str(chart["label"]);
  const Json& series = chart["series"];
  const Json& rows = section["rows"];
  const size_t n = std::min(rows.size(), kMaxBars);
  double max = 0;
  for (size_t i = 0; i < n; ++i) {
    double total = 0;
    for (const auto& s : series)
      total = stacked ? total + num(rows[i].value(str(s["key"]), Json()))
                      : std::max(total, num(rows[i].value(str(s["key"]), Json())));
    max = std::max(max, total);
  }
  const int plot = kChartWidth - kLabelWidth - kValueWidth;
  const int height = static_cast<int>(n) * (kBarHeight + kBarGap) + kBarGap;
  std::string out = fmt::format(
      "<svg class=\"chart\" data-section=\"{}\" data-chart=\"{}\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" "
      "xmlns=\"http://www.w3.org/2000/svg\">\n",
      esc(id), stacked ? "stacked_bar" : "bar", kChartWidth, height, kChartWidth, height,
      esc(str(section["title"])));
  for (size_t i = 0; i < n; ++i) {
    const Json& row = rows[i];
    const int y = kBarGap + static_cast<int>(i) * (kBarHeight + kBarGap);
    const std::string name = label_of(row, label);
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\n",
                       kLabelWidth - 8, y + kBarHeight - 5, esc(short_label(name)));
    double x = kLabelWidth, total = 0;
    for (const auto& s : series) {
      const std::string key = str(s["key"]);
      const Json& v = row.value(key, Json());
      const double w = max > 0 ? num(v) / max * plot : 0;
      out += fmt::format(
          "<rect class=\"bar\" data-key=\"{}\" data-row=\"{}\" data-value=\"{}\" x=\"{:.1f}\" "
          "y=\"{}\" width=\"{:.1f}\" height=\"{}\" fill=\"{}\"><title>{}: {} {}</title></rect>\n",
          esc(key), i, data_value(v), x, y, w, kBarHeight, colour(str(s["tone"])), esc(name),
          esc(str(s["title"])), esc(report_cell_text(v, "count")));
      if (stacked) x += w;
      total = stacked ? total + num(v) : std::max(total, num(v));
    }
    out +=
        fmt::format("<text x=\"{:.1f}\" y=\"{}\" class=\"value\">{}</text>\n",
                    (stacked ? x : kLabelWidth + (max > 0 ? total / max * plot : 0)) + 6,
                    y + kBarHeight - 5, esc(report_cell_text(Json(std::llround(total)), "count")));
  }
  out += "</svg>\n";
  if (rows.size() > n)
    out += fmt::format("<p class=\"small\">The chart shows the first {} of {} rows.</p>\n", n,
                       rows.size());
  return (series.size() > 1 ? legend(series) : std::string()) + out;
}

// A line per series over the rows (a trend by date or month).
std::string line_chart(const Json& section, const Json& chart) {
  const std::string id = str(section["id"]), label = str(chart["label"]);
  const Json& series = chart["series"];
  const Json& rows = section["rows"];
  constexpr int kHeight = 220, kLeft = 60, kRight = 20, kTop = 12, kBottom = 30;
  double max = 0;
  for (const auto& row : rows)
    for (const auto& s : series)
      max = std::max(max, num(row.value(str(s["key"]), Json())));
  const int plot_w = kChartWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double step = rows.size() > 1 ? static_cast<double>(plot_w) / double(rows.size() - 1) : 0;
  auto y_of = [&](double v) { return kTop + plot_h - (max > 0 ? v / max * plot_h : 0); };
  std::string out = fmt::format(
      "<svg class=\"chart\" data-section=\"{}\" data-chart=\"line\" width=\"{}\" height=\"{}\" "
      "viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\n"
      "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" class=\"axis\"/>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\n"
      "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">0</text>\n",
      esc(id), kChartWidth, kHeight, kChartWidth, kHeight, esc(str(section["title"])), kLeft,
      kTop + plot_h, kLeft + plot_w, kTop + plot_h, kLeft - 6, kTop + 10,
      esc(report_cell_text(Json(std::llround(max)), "count")), kLeft - 6, kTop + plot_h);
  if (!rows.empty()) {
    out += fmt::format("<text x=\"{}\" y=\"{}\" class=\"label\">{}</text>\n", kLeft, kHeight - 8,
                       esc(label_of(rows[0], label)));
    out += fmt::format("<text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\n",
                       kLeft + plot_w, kHeight - 8, esc(label_of(rows[rows.size() - 1], label)));
  }
  for (const auto& s : series) {
    const std::string key = str(s["key"]), fill = colour(str(s["tone"]));
    std::string points, dots;
    for (size_t i = 0; i < rows.size(); ++i) {
      const Json& v = rows[i].value(key, Json());
      const double x = kLeft + step * static_cast<double>(i), y = y_of(num(v));
      points += fmt::format("{:.1f},{:.1f} ", x, y);
      dots += fmt::format(
          "<circle class=\"point\" data-key=\"{}\" data-row=\"{}\" data-value=\"{}\" cx=\"{:.1f}\" "
          "cy=\"{:.1f}\" r=\"2.5\" fill=\"{}\"><title>{}: {} {}</title></circle>\n",
          esc(key), i, data_value(v), x, y, fill, esc(label_of(rows[i], label)),
          esc(str(s["title"])), esc(report_cell_text(v, "count")));
    }
    out += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n",
                       fill, points);
    out += dots;
  }
  out += "</svg>\n";
  return (series.size() > 1 ? legend(series) : std::string()) + out;
}

// Key figures as tiles.
std::string figure_tiles(const Json& section) {
  std::string out =
      fmt::format("<div class=\"figures\" data-section=\"{}\">\n", esc(str(section["id"])));
  for (const auto& row : section["rows"]) {
    const Json& v = row.value("value", Json());
    out += fmt::format(
        "<div class=\"figure\" data-metric=\"{}\" "
        "data-value=\"{}\"><b>{}</b><span>{}</span></div>\n",
        esc(str(row["metric"])), data_value(v),
        esc(report_cell_text(v, column_type(section, row, "value"))), esc(str(row["name"])));
  }
  return out + "</div>\n";
}

std::string chart_of(const Json& section) {
  const Json& chart = section.value("chart", Json());
  if (!chart.is_object() || section["rows"].empty()) return "";
  const std::string type = str(chart["type"]);
  if (type == "figures") return figure_tiles(section);
  if (type == "line") return line_chart(section, chart);
  return bar_chart(section, chart, type == "stacked_bar");
}

std::string html_table(const Json& section) {
  std::string out =
      fmt::format("<table data-section=\"{}\">\n<thead><tr>", esc(str(section["id"])));
  for (const auto& c : section["columns"])
    out += fmt::format("<th{}>{}</th>", str(c["type"]) == "text" ? "" : " class=\"num\"",
                       esc(str(c["title"])));
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : section["rows"]) {
    out += "<tr>";
    for (const auto& c : section["columns"]) {
      const std::string key = str(c["key"]);
      const Json& v = row.value(key, Json());
      const std::string type = column_type(section, row, key);
      out += fmt::format("<td data-key=\"{}\" data-value=\"{}\"{}>{}</td>", esc(key), data_value(v),
                         type == "text" ? "" : " class=\"num\"", esc(report_cell_text(v, type)));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

constexpr const char* kStyle = R"(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;
margin:2em auto;max-width:60em;color:#1f2933;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #d9e2ec}
.meta{color:#52606d;margin:0}.note{background:#fff8e1;border-left:4px solid #d98e04;padding:.4em .8em}
.unavailable{color:#7b8794;font-style:italic}.small{color:#7b8794;font-size:.85em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border:1px solid #d9e2ec;padding:.25em .6em}
th{background:#f0f4f8;text-align:left}.num{text-align:right;font-variant-numeric:tabular-nums}
svg.chart{display:block;max-width:100%;height:auto;margin:.6em 0}
svg .label{font-size:12px;fill:#3e4c59}svg .value{font-size:12px;fill:#1f2933}svg .axis{stroke:#9aa5b1}
.figures{display:flex;flex-wrap:wrap;gap:.6em;margin:.8em 0}
.figure{border:1px solid #d9e2ec;border-radius:6px;padding:.5em .8em;min-width:9em;background:#f8fafc}
.figure b{display:block;font-size:1.5em}.figure span{color:#52606d;font-size:.85em}
.legend span{margin-right:1.2em;font-size:.85em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
@media print{h2{page-break-after:avoid}svg.chart{page-break-inside:avoid}}
)";

}  // namespace

std::string render_report_html(const Json& doc) {
  const std::string title = str(doc["title"]);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src "
      "'unsafe-inline'\">\n<title>{}</title>\n<style>{}</style>\n</head>\n<body "
      "data-report=\"{}\">\n"
      "<h1>{}</h1>\n<p class=\"meta\">{}</p>\n<p class=\"meta\">{}</p>\n<p class=\"meta\">{}</p>\n",
      esc(title), kStyle, esc(str(doc["report"])), esc(title), esc(report_period_text(doc)),
      esc(report_department_text(doc)), esc(report_generated_text(doc)));
  for (const auto& note : doc["notes"])
    out += "<p class=\"note\">" + esc(str(note)) + "</p>\n";
  for (const auto& s : doc["sections"]) {
    out += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n<p>{}</p>\n", esc(str(s["id"])),
                       esc(str(s["title"])), esc(str(s["description"])));
    if (!s["available"].get<bool>()) {
      out += "<p class=\"unavailable\">Not available: " + esc(str(s["unavailable_reason"])) +
             "</p>\n</section>\n";
      continue;
    }
    if (s["rows"].empty()) {
      out += "<p class=\"unavailable\">Nothing in this period.</p>\n</section>\n";
      continue;
    }
    out += chart_of(s);
    out += html_table(s);
    for (const auto& note : s["notes"])
      out += "<p class=\"note\">" + esc(str(note)) + "</p>\n";
    out += "</section>\n";
  }
  return out + "</body>\n</html>\n";
}

}  // namespace credit::io
