// No crash, hang or stray exception on any input: random and mutated bytes, from a fixed seed,
// through the readers, the encoding converter and the row validator (the same harness the
// libFuzzer targets in tests/fuzz run for longer).
#include <doctest/doctest.h>

#include <random>

#include "harness.hpp"
#include "io/sample_data.hpp"
#include "util/error.hpp"
#include "util/paths.hpp"

using namespace credit;

namespace {

std::string sample(io::InputFormat format, io::Encoding encoding) {
  io::SampleOptions o;
  o.rows = 6;
  o.invalid = 2;
  o.noise = 1;
  o.format = format;
  o.encoding = encoding;
  return io::sample_text(o);
}

std::string random_bytes(std::mt19937_64& rng, size_t max_len) {
  static constexpr std::string_view kInteresting =
      ",\"\r\n{}[]:\\\x1f \xEF\xBB\xBF\x81\xD0\xFF\x80";
  std::string out(rng() % max_len, '\0');
  for (char& c : out)
    c = rng() % 3 ? kInteresting[rng() % kInteresting.size()] : static_cast<char>(rng() % 256);
  return out;
}

std::string mutate(std::mt19937_64& rng, std::string s) {
  for (int n = 1 + static_cast<int>(rng() % 8); n > 0 && !s.empty(); --n) {
    size_t at = rng() % s.size();
    switch (rng() % 5) {
      case 0:
        s[at] = static_cast<char>(rng() % 256);
        break;
      case 1:
        s.erase(at, rng() % 16);
        break;
      case 2:
        s.insert(at, random_bytes(rng, 12));
        break;
      case 3:
        s.resize(at);
        break;
      case 4:
        s.insert(at, s.substr(rng() % s.size(), rng() % 40));
        break;
    }
  }
  return s;
}

template <class F>
void survive(F&& run, const std::string& input) {
  try {
    run(input);
  } catch (const Error&) {
    // a clean refusal
  } catch (const std::exception& e) {
    FAIL_CHECK("unexpected exception " << e.what() << " for input of " << input.size() << " bytes");
  }
}

// Runs `run` on `runs` inputs: every fourth random bytes, the others mutations of `seed`.
template <class F>
void survive_around(F&& run, const std::string& seed, uint64_t rng_seed, int runs) {
  std::mt19937_64 rng(rng_seed);
  for (int i = 0; i < runs; ++i)
    survive(run, i % 4 == 0 ? random_bytes(rng, 300) : mutate(rng, seed));
}

}  // namespace

TEST_CASE("readers and converter survive random and mutated input") {
  std::mt19937_64 rng(20260506);
  std::vector<std::string> seeds;
  for (auto f : {io::InputFormat::csv, io::InputFormat::ndjson, io::InputFormat::json})
    for (auto e : {io::Encoding::utf8, io::Encoding::gb18030})
      seeds.push_back(sample(f, e));
  for (int i = 0; i < 1500; ++i) {
    std::string input =
        i % 3 == 0 ? random_bytes(rng, 400) : mutate(rng, seeds[rng() % seeds.size()]);
    survive(fuzz::read_table_bytes, input);
    survive(fuzz::decode_bytes, input);
  }
}

TEST_CASE("the privacy screener survives random and mutated text") {
  const std::string seed =
      "张三\x1f张三（身份证号110105195001010039，住北京市朝阳区幸福路8号3单元201室，"
      "电话13912345678，患有糖尿病，信仰伊斯兰教）邮箱a.b@example.com，卡号6222020200112233446，"
      "京朝市监罚〔2025〕123号";
  CHECK(fuzz::screen_bytes(seed) > 0);
  survive_around(fuzz::screen_bytes, seed, 12, 5000);
}

TEST_CASE("the row validator survives random fields") {
  const std::string valid =
      "北京华信餐饮管理有限公司\x1f法人\x1f"
      "91110000600037341L\x1f\x1f\x1f\x1f\x1f\x1f王伟\x1f\x1f\x1f"
      "\x1f\x1f京市监罚〔2026〕12号\x1f销售不合格产品\x1f经查\x1f依据\x1f罚款\x1f罚款5万元\x1f"
      "5\x1f\x1f"
      "\x1f"
      "2026-03-02\x1f"
      "2027-03-02\x1f\x1f机关\x1f"
      "11110000000013127H\x1f单位\x1f"
      "11110000000013127H";
  CHECK(fuzz::validate_bytes(valid) == 0);  // the seed itself is a valid row
  survive_around(fuzz::validate_bytes, valid, 7, 3000);
}

TEST_CASE("the workbook readers survive mutated workbooks") {
  for (const char* name : {"inline-stored.xlsx", "office-stored.xlsx", "small.xls"}) {
    CAPTURE(name);
    std::string seed =
        read_text_file(std::string(CREDIT_SOURCE_DIR) + "/tests/fuzz/corpus/workbook/" + name);
    CHECK(fuzz::read_workbook_bytes(seed) >= 2);  // the seed itself reads
    survive_around(fuzz::read_workbook_bytes, seed, 17, 300);
  }
}
