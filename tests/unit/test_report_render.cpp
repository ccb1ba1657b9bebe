// The report renderers (io/report_render.hpp) on a hand-made document: escaping, number formats,
// unavailable sections, and the CSV shapes.
#include <doctest/doctest.h>

#include "io/report_render.hpp"

using namespace credit;

namespace {
Json sample_doc() {
  Json section = {{"id", "by_kind"},
                  {"title", "Records <by> kind"},
                  {"description", "a|b"},
                  {"available", true},
                  {"columns",
                   {{{"key", "name"}, {"title", "Name"}, {"type", "text"}},
                    {{"key", "records"}, {"title", "Records"}, {"type", "count"}},
                    {{"key", "share"}, {"title", "Share"}, {"type", "ratio"}}}},
                  {"rows",
                   {{{"name", "<script>x</script>|&"}, {"records", 3}, {"share", 0.75}},
                    {{"name", nullptr}, {"records", 1}, {"share", nullptr}}}},
                  {"chart",
                   {{"type", "bar"},
                    {"label", "name"},
                    {"series", {{{"key", "records"}, {"title", "Records"}, {"tone", "primary"}}}}}},
                  {"notes", Json::array()}};
  Json missing = {
      {"id", "repairs"},    {"title", "Repairs"},       {"description", ""},
      {"available", false}, {"columns", Json::array()}, {"rows", Json::array()},
      {"chart", nullptr},   {"notes", Json::array()},   {"unavailable_reason", "no repairs table"}};
  return {{"report", "summary"},
          {"title", "T & <t>"},
          {"period", {{"from", "2026-03-01"}, {"to", "2026-03-31"}, {"days", 31}, {"basis", "b"}}},
          {"department", "*"},
          {"department_name", nullptr},
          {"generated_at", "2026-04-01T10:00:00+08:00"},
          {"simulated_at", nullptr},
          {"today", "2026-04-01"},
          {"policy", "national-2026"},
          {"notes", Json::array()},
          {"sections", {section, missing}}};
}
}  // namespace

TEST_CASE("html escapes every text and draws a bar per row") {
  const std::string html = io::render_report(sample_doc(), io::ReportFormat::html);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("&lt;script&gt;x&lt;/script&gt;|&amp;") != std::string::npos);
  CHECK(html.find("<title>T &amp; &lt;t&gt;</title>") != std::string::npos);
  CHECK(html.find("data-value=\"0.75\"") != std::string::npos);
  CHECK(html.find(">75.0%<") != std::string::npos);
  size_t bars = 0;
  for (size_t at = html.find("<rect class=\"bar\""); at != std::string::npos;
       at = html.find("<rect class=\"bar\"", at + 1))
    ++bars;
  CHECK(bars == 2);
  CHECK(html.find("Not available: no repairs table") != std::string::npos);
}

TEST_CASE("markdown escapes table syntax; csv keeps raw values") {
  const std::string md = io::render_report(sample_doc(), io::ReportFormat::markdown);
  CHECK(md.find("| Name | Records | Share |\n| --- | ---: | ---: |\n") != std::string::npos);
  CHECK(md.find("| \\<script>x\\</script>\\|& | 3 | 75.0% |") != std::string::npos);
  CHECK(md.find("| - | 1 | - |") != std::string::npos);

  Json one = sample_doc();
  one["sections"].erase(1);
  CHECK(io::render_report(one, io::ReportFormat::csv) ==
        "name,records,share\r\n<script>x</script>|&,3,0.75\r\n,1,\r\n");
  const std::string blocks = io::render_report(sample_doc(), io::ReportFormat::csv);
  CHECK(blocks.find("Records <by> kind,by_kind\r\nName,Records,Share\r\n") != std::string::npos);
  CHECK(blocks.find("not available: no repairs table") != std::string::npos);
}

TEST_CASE("cells: counts, ratios, nulls") {
  CHECK(io::report_cell_text(Json(1234), "count") == "1234");
  CHECK(io::report_cell_text(Json(0.12345), "ratio") == "12.3%");
  CHECK(io::report_cell_text(Json(), "ratio") == "-");
  CHECK(io::report_cell_text(Json("a\nb"), "text") == "a b");
  CHECK_FALSE(io::parse_report_format("ndjson"));
}
