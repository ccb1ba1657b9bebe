// The sample generator: deterministic, realistic, with exactly the invalid rows asked for.
#include <doctest/doctest.h>

#include <map>
#include <set>
#include <stdexcept>

#include "domain/row_validation.hpp"
#include "io/encoding.hpp"
#include "io/kind_files.hpp"
#include "io/sample_data.hpp"
#include "io/table_reader.hpp"
#include "util/paths.hpp"

using namespace credit;

namespace {

std::string generate(io::SampleOptions o) {
  return io::sample_text(o);
}

struct Tally {
  int64_t rows = 0, valid = 0, natural = 0;
  std::map<domain::Severity, int64_t> severities;
};

Tally validate_all(const std::string& file, domain::Kind kind) {
  const auto& spec = io::shipped_kind_spec(kind);
  static const auto policy =
      domain::parse_policy(read_text_file(share_path("policy/national-2026.json")));
  auto source = io::make_string_source(file, "sample");
  io::Utf8Reader text(*source, std::nullopt);
  auto table = io::open_table(text, std::nullopt);
  domain::RowValidator validator(spec, policy, *domain::Date::from_ymd(2026, 5, 6));
  domain::ValidatedRow row;
  Tally t;
  io::TableRow cells;
  std::vector<std::string_view> raw(spec.fields.size());
  while (table->next(cells)) {
    for (size_t c = 0; c < cells.cells.size(); ++c)
      raw[spec.match_header(table->columns()[c])] = cells.cells[c];
    validator.validate(raw, row);
    ++t.rows;
    if (!row.ok()) continue;
    ++t.valid;
    t.natural += row.subject_type == domain::SubjectType::natural_person;
    ++t.severities[row.severity.severity];
  }
  return t;
}

}  // namespace

TEST_CASE("the same options give the same bytes; another seed other bytes") {
  io::SampleOptions o;
  o.rows = 50;
  CHECK(generate(o) == generate(o));
  io::SampleOptions other = o;
  other.seed = 2;
  CHECK(generate(other) != generate(o));
}

TEST_CASE("penalty samples: valid, realistic, every severity, about 12% natural persons") {
  io::SampleOptions o;
  o.rows = 1000;
  std::string csv = generate(o);
  CHECK(csv.size() / o.rows > 450);
  CHECK(csv.size() / o.rows < 700);
  Tally t = validate_all(csv, domain::Kind::penalty);
  CHECK(t.rows == 1000);
  CHECK(t.valid == 1000);
  CHECK(t.natural > 80);
  CHECK(t.natural < 160);
  CHECK(t.severities[domain::Severity::minor] > 100);
  CHECK(t.severities[domain::Severity::general] > 300);
  CHECK(t.severities[domain::Severity::severe] > 80);
}

TEST_CASE("invalid rows: exactly as many as asked, in every format and encoding") {
  for (auto kind : {domain::Kind::penalty, domain::Kind::license, domain::Kind::dishonest})
    for (auto format : {io::InputFormat::csv, io::InputFormat::ndjson, io::InputFormat::json}) {
      io::SampleOptions o;
      o.kind = kind;
      o.rows = 200;
      o.invalid = 16;
      o.noise = 5;
      o.format = format;
      o.encoding = format == io::InputFormat::csv ? io::Encoding::gb18030 : io::Encoding::utf8;
      Tally t = validate_all(generate(o), kind);
      INFO(domain::to_string(kind) << " " << io::to_string(format));
      CHECK(t.rows == 200);
      // The duplicate rows are valid on their own: the store finds them.
      CHECK(t.valid == 200 - 16 + 2);
    }
}

TEST_CASE("inconsistent options are refused") {
  io::SampleOptions o;
  o.rows = 5;
  o.invalid = 6;
  CHECK_THROWS_AS(generate(o), std::invalid_argument);
  o.invalid = 0;
  o.decided_to = *domain::Date::from_ymd(2024, 1, 1);
  CHECK_THROWS_AS(generate(o), std::invalid_argument);
}

TEST_CASE("realistic key order: authorities interleave, each numbering its own documents") {
  io::SampleOptions o;
  o.rows = 3000;
  o.authorities = 4;
  o.shuffle = true;
  const std::string file = generate(o);
  const Tally t = validate_all(file, domain::Kind::penalty);
  CHECK(t.valid == t.rows);  // the order changes, the validity does not
  const auto& spec = io::shipped_kind_spec(domain::Kind::penalty);
  auto source = io::make_string_source(file, "sample");
  io::Utf8Reader text(*source, std::nullopt);
  auto table = io::open_table(text, std::nullopt);
  int doc = -1, authority = -1, subject = -1;
  for (size_t c = 0; c < table->columns().size(); ++c) {
    const int f = spec.match_header(table->columns()[c]);
    if (spec.fields[f].code == "CF_WSH") doc = static_cast<int>(c);
    if (spec.fields[f].code == "CF_CFJGDM") authority = static_cast<int>(c);
    if (spec.fields[f].code == "CF_XDR_SHXYM") subject = static_cast<int>(c);
  }
  REQUIRE(doc >= 0);
  REQUIRE(authority >= 0);
  REQUIRE(subject >= 0);
  std::map<std::string, int> per_authority;
  std::set<std::string> documents;
  int falls = 0;  // subjects' codes that are smaller than the previous one
  std::string previous_subject;
  io::TableRow cells;
  while (table->next(cells)) {
    const std::string a(cells.cells[authority]);
    ++per_authority[a];
    // The running number of the authority's own sequence: 〔year〕N号 with N its count so far.
    const std::string d(cells.cells[doc]);
    const std::string n = d.substr(d.find("〕") + std::string("〕").size());
    CHECK(n == std::to_string(per_authority[a]) + "号");
    CHECK(documents.insert(a + d).second);
    const std::string s(cells.cells[subject]);
    if (!s.empty()) {
      falls += !previous_subject.empty() && s < previous_subject;
      previous_subject = s;
    }
  }
  CHECK(per_authority.size() == 4);
  for (const auto& [a, n] : per_authority)
    CHECK(n > 3000 / 4 / 2);  // all take turns
  CHECK(falls > 500);         // random order: about half of the steps go down
}

TEST_CASE("the default key order is unchanged: codes and numbers rise with the row") {
  io::SampleOptions o;
  o.rows = 200;
  const std::string file = generate(o);
  CHECK(file.find("〕1号") ==
        std::string::npos);  // numbers are the row's serial, not per authority
}

TEST_CASE("more authorities than the department and its districts is refused") {
  io::SampleOptions o;
  o.authorities = io::kMaxSampleAuthorities + 1;
  CHECK_THROWS_AS(generate(o), std::invalid_argument);
}
