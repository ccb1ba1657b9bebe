// The streaming readers: RFC 4180 CSV, encodings (UTF-8, BOM, GB18030 via iconv), NDJSON and
// JSON arrays, format detection.
#include <doctest/doctest.h>

#include <cstring>

#include "io/csv_reader.hpp"
#include "io/csv_writer.hpp"
#include "io/encoding.hpp"
#include "io/table_reader.hpp"
#include "util/error.hpp"

using namespace credit;
using namespace credit::io;

namespace {

// Hands out at most `step` bytes per read, so every chunk boundary gets exercised.
class TrickleSource : public ByteSource {
 public:
  TrickleSource(std::string data, size_t step) : data_(std::move(data)), step_(step) {}
  size_t read(char* buffer, size_t n) override {
    size_t take = std::min({n, step_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, take);
    pos_ += take;
    return take;
  }
  std::string label() const override { return "test.csv"; }

 private:
  std::string data_;
  size_t step_;
  size_t pos_ = 0;
};

std::vector<std::vector<std::string>> read_csv(const std::string& text, size_t step = 1 << 20) {
  TrickleSource src(text, step);
  CsvReader reader(src);
  CsvRecord r;
  std::vector<std::vector<std::string>> rows;
  while (reader.next(r))
    rows.emplace_back(r.fields.begin(), r.fields.end());
  return rows;
}

std::string utf8_of(const std::string& raw, size_t step, std::optional<Encoding> forced = {}) {
  TrickleSource src(raw, step);
  Utf8Reader text(src, forced);
  std::string out;
  char buf[7];
  while (size_t n = text.read(buf, sizeof buf))
    out.append(buf, n);
  return out;
}

// "行政处罚,张三\n" in GB18030 (GBK) bytes.
const std::string kGbk = "\xD0\xD0\xD5\xFE\xB4\xA6\xB7\xA3,\xD5\xC5\xC8\xFD\n";

}  // namespace

TEST_CASE("CSV: quoted fields with commas, doubled quotes and line breaks") {
  auto rows = read_csv("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == std::vector<std::string>{"x, y", "say \"hi\"", "two\r\nlines"});
}

TEST_CASE("CSV: line ends, blank rows and the last line") {
  CHECK(read_csv("a,b\nc,d").size() == 2);            // no final line break
  CHECK(read_csv("a,b\r\nc,d\r\n\r\n").size() == 2);  // trailing empty line
  CHECK(read_csv("a,b\n,\n , \nc,d\n").size() == 2);  // Excel's ",," padding rows
  CHECK(read_csv("a,b\rc,d\r").size() == 2);          // old Mac line ends
  CHECK(read_csv("a,,c\n")[0] == std::vector<std::string>{"a", "", "c"});
  CHECK(read_csv("a,b,\n")[0].size() == 3);  // an empty last field counts
}

TEST_CASE("CSV: every chunk boundary gives the same records") {
  const std::string text = "名称,代码\r\n\"北京,华信\",\"9111\r\n0000\"\r\n\"a\"\"b\",c\r\n";
  auto whole = read_csv(text);
  for (size_t step : {1, 2, 3, 5, 7})
    CHECK(read_csv(text, step) == whole);
}

TEST_CASE("CSV: lines of records and fields") {
  TrickleSource src("h1,h2\n\"multi\nline\",x\ny,z\n", 3);
  CsvReader reader(src);
  CsvRecord r;
  REQUIRE(reader.next(r));
  CHECK(r.line == 1);
  REQUIRE(reader.next(r));
  CHECK(r.line == 2);
  CHECK(r.field_lines == std::vector<int64_t>{2, 3});
  REQUIRE(reader.next(r));
  CHECK(r.line == 4);
}

TEST_CASE("CSV: malformed input") {
  SUBCASE("text after a closing quote is kept and reported") {
    TrickleSource src("\"ab\"c,d\n", 100);
    CsvReader reader(src);
    CsvRecord r;
    REQUIRE(reader.next(r));
    CHECK(r.fields[0] == "abc");
    CHECK(r.problem.find("column 1") != std::string::npos);
  }
  SUBCASE("an unterminated quote names the line it starts on") {
    TrickleSource src("a,b\nc,\"never closed\nmore\n", 100);
    CsvReader reader(src);
    CsvRecord r;
    REQUIRE(reader.next(r));
    try {
      reader.next(r);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::bad_input);
      CHECK(std::string(e.what()).find("line 2") != std::string::npos);
    }
  }
  SUBCASE("a record over the limit stops with an error") {
    std::string huge = "\"" + std::string(CsvReader::kMaxRecordBytes + 10, 'x');
    TrickleSource src(huge, 1 << 16);
    CsvReader reader(src);
    CsvRecord r;
    CHECK_THROWS_AS(reader.next(r), Error);
  }
}

TEST_CASE("encoding detection") {
  CHECK(detect_encoding("plain ascii") == Encoding::utf8);
  CHECK(detect_encoding("行政处罚") == Encoding::utf8);
  CHECK(detect_encoding("\xEF\xBB\xBF"
                        "a") == Encoding::utf8);
  CHECK(detect_encoding(kGbk) == Encoding::gb18030);
  CHECK(detect_encoding(std::string("行政").substr(0, 4)) == Encoding::utf8);  // cut off at the end
  CHECK_THROWS_AS(detect_encoding("\xFF\xFE"
                                  "a"),
                  Error);
  CHECK(parse_encoding("GBK") == Encoding::gb18030);
  CHECK(parse_encoding("UTF8") == Encoding::utf8);
  CHECK_FALSE(parse_encoding("latin1"));
}

TEST_CASE("Utf8Reader: GB18030 converted across every chunk boundary, BOM dropped") {
  for (size_t step : {1, 2, 3, 64})
    CHECK(utf8_of(kGbk + kGbk, step) == "行政处罚,张三\n行政处罚,张三\n");
  CHECK(utf8_of("\xEF\xBB\xBF"
                "a,b\n",
                1) == "a,b\n");
  // A four-byte GB18030 sequence (U+20000 𠀀) split everywhere.
  CHECK(utf8_of("\x95\x32\x82\x36", 1, Encoding::gb18030) == "\xF0\xA0\x80\x80");
}

TEST_CASE("Utf8Reader: bytes that are not GB18030 stop with the line") {
  try {
    utf8_of(kGbk +
                "\x81\x20"
                "x\n",
            4, Encoding::gb18030);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_input);
    CHECK(std::string(e.what()).find("line 2") != std::string::npos);
  }
  CHECK_THROWS_AS(utf8_of(kGbk + "\x81", 3, Encoding::gb18030), Error);  // cut off at the end
}

TEST_CASE("encode_utf8_as round-trips through GB18030") {
  std::string gbk = encode_utf8_as("行政处罚,张三\n", Encoding::gb18030);
  CHECK(gbk == kGbk);
  CHECK(utf8_of(gbk, 1) == "行政处罚,张三\n");
}

namespace {
struct Table {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> problems;
  std::vector<int64_t> lines;
  InputFormat format;
};
Table read_table(const std::string& text, std::optional<InputFormat> format = {}) {
  TrickleSource src(text, 5);
  Utf8Reader utf8(src, std::nullopt);
  auto reader = open_table(utf8, format);
  Table t;
  t.format = reader->format();
  TableRow row;
  while (reader->next(row)) {
    t.rows.emplace_back(row.cells.begin(), row.cells.end());
    t.problems.push_back(row.problem);
    t.lines.push_back(row.line);
  }
  t.columns = reader->columns();
  return t;
}
}  // namespace

TEST_CASE("format detection from content") {
  CHECK(detect_input_format("  [ {") == InputFormat::json);
  CHECK(detect_input_format("\n{\"a\":1}") == InputFormat::ndjson);
  CHECK(detect_input_format("a,b") == InputFormat::csv);
  CHECK(read_table("[{\"a\":\"1\"}]").format == InputFormat::json);
}

TEST_CASE("NDJSON: keys become columns; blank lines skipped; bad lines are row problems") {
  Table t = read_table("{\"a\":\"x\",\"b\":2}\n\n{\"b\":\"y\",\"c\":null}\nnot json\n[1]\n");
  CHECK(t.columns == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[0] == std::vector<std::string>{"x", "2"});  // "c" was not known yet
  CHECK(t.rows[1] == std::vector<std::string>{"", "y", ""});
  CHECK(t.lines == std::vector<int64_t>{1, 3, 4, 5});
  CHECK(t.problems[0].empty());
  CHECK(t.problems[2].find("not valid JSON") != std::string::npos);
  CHECK(t.problems[3].find("not a JSON object") != std::string::npos);
}

TEST_CASE("JSON array: elements split without reading the whole file") {
  Table t = read_table(
      "[\n  {\"a\": \"has ] and } and \\\" inside\", \"n\": {\"x\": 1}},\n  {\"a\": "
      "\"second\"}\n]\n");
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0][0] == "has ] and } and \" inside");
  CHECK(t.problems[0].find("not text or a number") != std::string::npos);  // nested object
  CHECK(t.rows[1][0] == "second");
  CHECK(t.lines == std::vector<int64_t>{2, 3});
  CHECK(read_table("[]").rows.empty());
}

TEST_CASE("JSON array: broken framing stops with an error") {
  CHECK_THROWS_AS(read_table("[{\"a\":1}"), Error);
  CHECK_THROWS_AS(read_table("[{\"a\":1}] trailing"), Error);
  CHECK_THROWS_AS(read_table("{\"a\":1}", InputFormat::json), Error);
  CHECK_THROWS_AS(read_table("[{\"a\":1} {\"b\":2}]"), Error);
}

TEST_CASE("CSV table: field count mismatches are row problems; no header is an error") {
  Table t = read_table("a,b\n1,2\n1\n1,2,3\n");
  CHECK(t.problems[0].empty());
  CHECK(t.problems[1].find("1 fields") != std::string::npos);
  CHECK(t.problems[2].find("3 fields") != std::string::npos);
  CHECK_THROWS_AS(read_table(""), Error);
}

TEST_CASE("CSV output: cells a spreadsheet would run get an apostrophe; numbers stay numbers") {
  using credit::io::csv_record;
  CHECK(csv_record({"=HYPERLINK(\"http://x\")", "@SUM(A1)", "+cmd", "-2+3"}) ==
        "\"'=HYPERLINK(\"\"http://x\"\")\",'@SUM(A1),'+cmd,'-2+3\r\n");
  CHECK(csv_record({"\tx", "\rx"}) == "'\tx,\"'\rx\"\r\n");
  CHECK(csv_record({"-5", "+3.25", "-0.5", "12", "a=b", ""}) == "-5,+3.25,-0.5,12,a=b,\r\n");
  CHECK(csv_record({"-", "-5.", "'quoted"}) == "'-,'-5.,''quoted\r\n");
  for (std::string v : {"=1+1", "'x", "-5", "-x", "plain", "''", "@"}) {
    std::string out;
    credit::io::append_csv_field(out, v);
    std::string cell = out.front() == '"' ? out.substr(1, out.size() - 2) : out;
    CHECK(std::string(credit::io::csv_unguarded(cell)) == v);  // what re-import reads back
  }
}
