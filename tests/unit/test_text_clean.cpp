#include <doctest/doctest.h>

#include <random>
#include <string>

#include "domain/text_clean.hpp"

using namespace credit::domain;

TEST_CASE("clean_value: plain values pass unchanged") {
  const auto r = clean_value("91110000600037341L", true);
  CHECK(r.ok());
  CHECK_FALSE(r.changed());
  CHECK(r.value == "91110000600037341L");
  CHECK(r.describe().empty());
  CHECK(clean_value("", true).value.empty());
  CHECK(clean_value("北京某某（集团）有限公司", false).value == "北京某某（集团）有限公司");
  CHECK_FALSE(clean_value("北京某某（集团）有限公司", false).changed());
}

TEST_CASE("clean_value: full-width forms in code fields") {
  const auto r = clean_value("９１１１００００６０００３７３４１Ｌ", true);
  CHECK(r.value == "91110000600037341L");
  CHECK(r.full_width);
  CHECK_FALSE(r.trimmed);
  CHECK(r.describe() == "full-width characters converted to ASCII");
  // Full-width punctuation and the ideographic space inside a code become ASCII too.
  CHECK(clean_value("京（２０２４）１号", true).value == "京(2024)1号");
  CHECK(clean_value("A\u3000B", true).value == "A B");
}

TEST_CASE("clean_value: text fields convert only full-width digits and letters") {
  const auto r = clean_value("ＡＢＣ科技（北京）有限公司：１号", false);
  CHECK(r.value == "ABC科技（北京）有限公司：1号");
  CHECK(r.full_width);
  CHECK(clean_value("张\u3000三", false).value == "张\u3000三");  // inner ideographic space kept
}

TEST_CASE("clean_value: surrounding whitespace, NBSP, U+3000 and BOM are trimmed") {
  auto r = clean_value("\u3000 张三 \u00a0", false);
  CHECK(r.value == "张三");
  CHECK(r.trimmed);
  CHECK_FALSE(r.full_width);
  CHECK(r.describe() == "surrounding whitespace removed");
  CHECK(clean_value("\xef\xbb\xbf行政相对人名称", false).value == "行政相对人名称");
  CHECK(clean_value(" \t91110000600037341L\r\n", true).value == "91110000600037341L");
  CHECK(clean_value("\u3000\u3000", true).value.empty());
  CHECK(clean_value("  a  b  ", false).value == "a  b");
}

TEST_CASE("clean_value: labels inside code values") {
  auto r = clean_value("统一社会信用代码：91110000600037341L", true);
  CHECK(r.value == "91110000600037341L");
  CHECK(r.label == "统一社会信用代码");
  CHECK(r.full_width);  // the full-width colon
  CHECK(r.describe() ==
        "full-width characters converted to ASCII; label \"统一社会信用代码\" removed");

  r = clean_value("统一社会信用代码:91110000600037341L", true);
  CHECK(r.value == "91110000600037341L");
  CHECK_FALSE(r.full_width);
  CHECK(r.label == "统一社会信用代码");

  CHECK(clean_value("身份证号码：11010519491231002X", true).value == "11010519491231002X");
  CHECK(clean_value("证件号码: 110105195001010039", true).value == "110105195001010039");
  CHECK(clean_value(" 证件号码 ：１１０１０５１９５００１０１００３９ ", true).value ==
        "110105195001010039");

  // Not a label: no colon, ASCII label, colon not after CJK, or a text field.
  CHECK(clean_value("统一社会信用代码91110000600037341L", true).label.empty());
  CHECK(clean_value("USCC:91110000600037341L", true).value == "USCC:91110000600037341L");
  CHECK(clean_value("备注：无", false).value == "备注：无");
  CHECK(clean_value("备注：无", false).label.empty());
}

TEST_CASE("clean_value: invalid UTF-8 is an error, never a crash") {
  for (const char* bad : {"\xff", "abc\xe4\xb8", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
                          "\x80", "\xe4\xb8\xe4\xb8\x80"}) {
    CAPTURE(bad);
    const auto r = clean_value(bad, true);
    CHECK_FALSE(r.ok());
    CHECK(r.value.empty());
  }
  CHECK(clean_value("abc\xff", false).error == "value is not valid UTF-8 (byte 0xFF at offset 3)");
}

TEST_CASE("is_valid_utf8") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("ascii"));
  CHECK(is_valid_utf8("统一社会信用代码"));
  CHECK(is_valid_utf8("\xf0\x9f\x98\x80"));        // U+1F600
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf"));        // U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));          // overlong NUL
  CHECK_FALSE(is_valid_utf8("\xe0\x80\x80"));      // overlong
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf"));      // surrogate
  CHECK_FALSE(is_valid_utf8("\xe4\xb8"));          // truncated
  CHECK_FALSE(is_valid_utf8("\xfe"));
  CHECK(utf8_length("张三abc") == 5);
  CHECK(utf8_length("\xff\xff") == 2);
}

TEST_CASE("display_width") {
  CHECK(display_width("abc") == 3);
  CHECK(display_width("张三") == 4);
  CHECK(display_width("ＡＢ") == 4);
  CHECK(display_width("e\xcc\x81") == 1);  // e + combining acute
  CHECK(display_width("한국") == 4);
  CHECK(display_width("カタカナ") == 8);
  CHECK(display_width("、。") == 4);
  CHECK(display_width("\xe3\x80\x80") == 2);      // U+3000
  CHECK(display_width("\xf0\xa0\x80\x80") == 2);  // CJK Extension B
  CHECK(display_width("\xff") == 1);
  CHECK(display_width("a\tb") == 2);
  CHECK(display_width("北京ABC（集团）") == 4 + 3 + 8);
}

TEST_CASE("clean_value: robustness on random bytes") {
  std::mt19937_64 rng(3000);
  const std::string pieces[] = {"９",       "Ｌ",           "：",   ":", "\u3000", " ",
                                "\u00a0",   "统",           "代码", "1", "X",      "\xff",
                                "\xe4\xb8", "\xef\xbb\xbf", "\t",   "a"};
  for (int i = 0; i < 100000; ++i) {
    std::string s;
    const int n = static_cast<int>(rng() % 10);
    for (int k = 0; k < n; ++k) {
      if (rng() % 5 == 0) {
        s += static_cast<char>(rng() & 0xFF);
      } else {
        s += pieces[rng() % std::size(pieces)];
      }
    }
    for (bool code : {true, false}) {
      const auto r = clean_value(s, code);
      REQUIRE(r.ok() == is_valid_utf8(s));
      if (r.ok()) {
        REQUIRE(is_valid_utf8(r.value));
        // Cleaning is idempotent: a cleaned value needs nothing more.
        const auto again = clean_value(r.value, code);
        REQUIRE(again.value == r.value);
      }
    }
    (void)display_width(s);
  }
}

TEST_CASE("clean_value: control and bidi characters are removed and reported") {
  using namespace std::string_literals;
  auto r = clean_value("北京\0某某有限公司"s, false);
  CHECK(r.value == "北京某某有限公司");
  CHECK(r.controls == 1);
  CHECK(r.control_at == 3);  // characters counted in the raw value
  CHECK(r.describe() == "1 control character removed (first U+0000 at character 3)");
  r = clean_value("abc\u202Etxt.exe\u2066x\u2069", false);
  CHECK(r.value == "abctxt.exex");
  CHECK(r.controls == 3);
  CHECK(clean_value("a\x1b[31mb", false).value == "a[31mb");
  CHECK(clean_value("a\u0085b", false).value == "ab");  // C1 NEL
  // Text fields keep line breaks and tabs inside; codes lose them.
  CHECK(clean_value("line 1\nline\t2", false).value == "line 1\nline\t2");
  CHECK_FALSE(clean_value("line 1\nline\t2", false).changed());
  CHECK(clean_value("9111\n0000", true).value == "91110000");
  CHECK_FALSE(is_clean_value("a\x7f", false));
  CHECK_FALSE(is_clean_value("a\u200Eb", false));
}

TEST_CASE("escape_controls spells out what a terminal or log would act on") {
  using namespace std::string_literals;
  CHECK(escape_controls("plain 北京") == "plain 北京");
  CHECK(escape_controls("a\nb") == "a\\x0Ab");
  CHECK(escape_controls("a\nb\tc", true) == "a\nb\tc");
  CHECK(escape_controls("\x1b[2J"s) == "\\x1B[2J");
  CHECK(escape_controls("x\0y"s) == "x\\x00y");
  CHECK(escape_controls("\u202Eabc") == "\\u202Eabc");
  CHECK(escape_controls("\xd5\xfe.csv") == "\\xD5\\xFE.csv");  // GBK bytes of a file name
  CHECK(escape_controls("a\u0085") == "a\\x85");
}
