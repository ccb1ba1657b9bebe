// The remote API's pieces: the error envelope, NDJSON framing, the call object, large integers,
// the upload pipe and the row spool. Fuzzed framing input must only ever raise credit::Error.
#include <doctest/doctest.h>

#include <random>
#include <thread>

#include "net/plugin/protocol.hpp"
#include "net/plugin/row_spool.hpp"
#include "net/plugin/upload_pipe.hpp"
#include "util/error.hpp"

using namespace credit;
using namespace credit::net;

namespace {
std::vector<std::string> split_lines(const std::string& stream, const std::vector<size_t>& cuts) {
  LineSplitter splitter;
  std::vector<std::string> lines;
  size_t at = 0;
  for (size_t cut : cuts) {
    splitter.feed(std::string_view(stream).substr(at, cut - at),
                  [&](std::string_view line) { lines.emplace_back(line); });
    at = cut;
  }
  splitter.feed(std::string_view(stream).substr(at),
                [&](std::string_view line) { lines.emplace_back(line); });
  return lines;
}

std::string strip_newline(std::string line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  line.pop_back();
  return line;
}
}  // namespace

TEST_CASE("the error envelope survives the wire with code, message, hint and details") {
  Error original(ErrorCode::permission_denied, "permission denied: 用户 'x' may not",
                 "ask an administrator", Json{{"rule", "national-2026/periods"}});
  std::string line = error_line(original);
  CHECK(line.find('\n') == line.size() - 1);
  ResponseLine decoded = decode_response_line(strip_newline(line));
  REQUIRE(decoded.kind == ResponseLine::Kind::error);
  Error back = Error::from_json(decoded.value);
  CHECK(back.code() == original.code());
  CHECK(std::string(back.what()) == original.what());
  CHECK(back.hint() == original.hint());
  CHECK(back.details() == original.details());
  // Every code maps to a distinct name and back.
  for (const auto& doc : exit_code_docs()) {
    Error e(doc.code, "m");
    CHECK(Error::from_json(decode_response_line(strip_newline(error_line(e))).value).code() ==
          doc.code);
  }
}

TEST_CASE("rows and results are one line each, with large integers as strings") {
  Json row = {{"id", "9"},
              {"small", 42},
              {"max_safe", (int64_t{1} << 53) - 1},
              {"big", int64_t{1} << 60},
              {"negative", -(int64_t{1} << 55)},
              {"unsigned", uint64_t{18446744073709551615u}},
              {"nested", {{"deep", Json::array({int64_t{1} << 54, 1.5})}}},
              {"text", "a\nb 第二"}};
  std::string line = row_line(row);
  CHECK(std::count(line.begin(), line.end(), '\n') == 1);
  ResponseLine decoded = decode_response_line(strip_newline(line));
  REQUIRE(decoded.kind == ResponseLine::Kind::row);
  CHECK(decoded.value["small"] == 42);
  CHECK(decoded.value["max_safe"] == (int64_t{1} << 53) - 1);
  CHECK(decoded.value["big"] == std::to_string(int64_t{1} << 60));
  CHECK(decoded.value["negative"] == std::to_string(-(int64_t{1} << 55)));
  CHECK(decoded.value["unsigned"] == "18446744073709551615");
  CHECK(decoded.value["nested"]["deep"][0] == std::to_string(int64_t{1} << 54));
  CHECK(decoded.value["nested"]["deep"][1] == 1.5);
  CHECK(decoded.value["text"] == "a\nb 第二");
  CHECK(decode_response_line(strip_newline(result_line({{"ok", true}}))).kind ==
        ResponseLine::Kind::result);
}

TEST_CASE("invalid UTF-8 in a value does not stop an answer") {
  std::string line = row_line({{"name", std::string("bad \xff\xfe byte")}});
  CHECK(decode_response_line(strip_newline(line)).value["name"].get<std::string>().find("bad") ==
        0);
}

TEST_CASE("NDJSON framing gives the same lines however the stream is cut") {
  std::string stream =
      row_line({{"a", 1}}) + row_line({{"b", "第二行"}}) + "\n" + result_line({{"n", 2}});
  auto whole = split_lines(stream, {});
  REQUIRE(whole.size() == 4);
  CHECK(whole[2].empty());
  for (size_t cut = 0; cut <= stream.size(); ++cut)
    CHECK(split_lines(stream, {cut}) == whole);
  for (size_t a = 0; a <= stream.size(); a += 3)
    for (size_t b = a; b <= stream.size(); b += 5)
      CHECK(split_lines(stream, {a, b}) == whole);
  LineSplitter partial;
  partial.feed("{\"row\":1}\n{\"res", [](std::string_view) {});
  CHECK(partial.has_partial_line());
}

TEST_CASE("a line beyond the limit is refused, in one piece or in many") {
  LineSplitter small(16);
  CHECK_THROWS_AS(small.feed(std::string(17, 'x'), [](std::string_view) {}), Error);
  LineSplitter pieces(16);
  for (int i = 0; i < 4; ++i)
    pieces.feed("xxxx", [](std::string_view) {});
  CHECK_THROWS_AS(pieces.feed("x", [](std::string_view) {}), Error);
  LineSplitter exact(16);
  int lines = 0;
  const std::string sixteen = "xxxxxxxxxxxxxxxx\n";
  exact.feed(sixteen, [&](std::string_view) { ++lines; });
  CHECK(lines == 1);
}

TEST_CASE("malformed answer lines are store_unavailable errors, never crashes") {
  for (const char* line :
       {"", "not json", "[]", "42", "{}", "{\"row\":1,\"result\":2}", "{\"other\":1}",
        "{\"error\":\"text\"}", "{\"error\":{\"message\":\"m\"}}", "{\"error\":{\"code\":1}}",
        "{\"error\":{\"code\":\"usage\",\"message\":\"m\",\"hint\":7}}", "{\"row\":"}) {
    INFO(line);
    try {
      decode_response_line(line);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::store_unavailable);
    }
  }
}

TEST_CASE("fuzzed answer streams only ever raise credit::Error") {
  std::mt19937 random(20260506);
  const std::string alphabet = "{}[]\":,\n rowresulterrocdemsgh0123456789\\\xff";
  std::string valid = row_line({{"a", 1}}) + error_line(Error(ErrorCode::conflict, "m", "h"));
  for (int round = 0; round < 3000; ++round) {
    std::string stream;
    if (round % 2 == 0) {
      size_t n = random() % 200;
      for (size_t i = 0; i < n; ++i)
        stream += alphabet[random() % alphabet.size()];
    } else {  // a valid stream with a few bytes flipped
      stream = valid;
      for (int flips = 1 + random() % 4; flips > 0; --flips)
        stream[random() % stream.size()] = alphabet[random() % alphabet.size()];
    }
    LineSplitter splitter(64);
    try {
      size_t at = 0;
      while (at < stream.size()) {
        size_t take = 1 + random() % 17;
        splitter.feed(std::string_view(stream).substr(at, take), [](std::string_view line) {
          ResponseLine decoded = decode_response_line(line);
          if (decoded.kind == ResponseLine::Kind::error) Error::from_json(decoded.value);
        });
        at += take;
      }
    } catch (const Error&) {
    }
  }
}

TEST_CASE("the call object: parameters, input names and streaming") {
  CallObject call{{{"name", "张三"}, {"big", int64_t{1} << 60}}, {"a.csv", "第二.csv"}, true};
  CallObject back = parse_call_object(encode_call_object(call));
  CHECK(back.params["name"] == "张三");
  CHECK(back.params["big"] == std::to_string(int64_t{1} << 60));  // ActionContext::integer reads it
  CHECK(back.inputs == call.inputs);
  CHECK(back.stream_rows);
  CHECK(parse_call_object("").params == Json::object());
  for (const char* bad : {"x", "[]", "{\"params\":[]}", "{\"inputs\":\"a\"}", "{\"inputs\":[1]}",
                          "{\"rows\":\"all\"}"}) {
    INFO(bad);
    try {
      parse_call_object(bad);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::usage);
    }
  }
  CHECK(is_valid_action_name("user.add"));
  CHECK(is_valid_action_name("diag.upload"));
  for (const char* bad : {"", ".", "user.", ".user", "User.add", "user/add", "a b", "x%2e"})
    CHECK_FALSE(is_valid_action_name(bad));
}

TEST_CASE("the version handshake explains a mismatch") {
  CHECK_NOTHROW(check_version_document(version_document().dump(), "https://h:1"));
  Json other = version_document();
  other["protocol"] = kProtocolVersion + 1;
  try {
    check_version_document(other.dump(), "https://h:1");
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::store_unavailable);
    CHECK(std::string(e.what()).find("protocol") != std::string::npos);
  }
  CHECK_THROWS_AS(check_version_document("<html>", "https://h:1"), Error);
  CHECK_THROWS_AS(check_version_document("{\"service\":\"other\"}", "https://h:1"), Error);
}

namespace {
// Feeds `parts` into a pipe from another thread, in pieces of random size.
std::thread produce(std::shared_ptr<UploadPipe> pipe, std::vector<std::string> parts, bool complete,
                    unsigned seed) {
  return std::thread([pipe, parts = std::move(parts), complete, seed] {
    std::mt19937 random(seed);
    for (const auto& part : parts) {
      if (!pipe->begin_input()) return;
      for (size_t at = 0; at < part.size();) {
        size_t take = std::min<size_t>(1 + random() % 9000, part.size() - at);
        if (!pipe->write(part.data() + at, take)) return pipe->finish(complete);
        at += take;
      }
    }
    pipe->finish(complete, complete ? "" : "cut");
  });
}

std::string read_input(UploadPipe& pipe, size_t index) {
  std::string out;
  char buffer[3000];
  while (size_t got = pipe.read(index, buffer, sizeof buffer))
    out.append(buffer, got);
  return out;
}

std::string pattern(size_t n, unsigned seed) {
  std::mt19937 random(seed);
  std::string s(n, '\0');
  for (auto& c : s)
    c = static_cast<char>(random());
  return s;
}
}  // namespace

TEST_CASE("the upload pipe carries each input whole, in order, through a small buffer") {
  std::vector<std::string> parts = {pattern(200000, 1), "", pattern(70000, 2)};
  auto pipe = std::make_shared<UploadPipe>(std::vector<std::string>{"a", "b", "c"}, 16384);
  std::thread producer = produce(pipe, parts, true, 7);
  auto inputs = upload_inputs(pipe);
  REQUIRE(inputs.size() == 3);
  CHECK(inputs[1].name == "b");
  CHECK(inputs[1].source->label() == "b");
  for (size_t i = 0; i < parts.size(); ++i)
    CHECK(io::read_all(*inputs[i].source, 1 << 20) == parts[i]);
  CHECK(inputs[2].source->read(nullptr, 0) == 0);
  producer.join();
}

TEST_CASE("the upload pipe skips what the service leaves of an input") {
  std::vector<std::string> parts = {pattern(100000, 3), pattern(5000, 4)};
  auto pipe = std::make_shared<UploadPipe>(std::vector<std::string>{"a", "b"}, 4096);
  std::thread producer = produce(pipe, parts, true, 8);
  char first[10];
  CHECK(pipe->read(0, first, sizeof first) == 10);
  CHECK(read_input(*pipe, 1) == parts[1]);
  CHECK_THROWS_AS(pipe->read(0, first, sizeof first), Error);  // no going back
  producer.join();
}

TEST_CASE("a cut upload fails the read; missing inputs are reported") {
  auto cut = std::make_shared<UploadPipe>(std::vector<std::string>{"a.csv"}, 4096);
  std::thread producer = produce(cut, {pattern(50000, 5)}, false, 9);
  try {
    read_input(*cut, 0);
    FAIL("a cut upload read as whole");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::bad_input);
    CHECK(std::string(e.what()).find("a.csv") != std::string::npos);
  }
  producer.join();

  auto short_of_one = std::make_shared<UploadPipe>(std::vector<std::string>{"a", "b"});
  std::thread one = produce(short_of_one, {"x"}, true, 10);
  CHECK(read_input(*short_of_one, 0) == "x");
  CHECK_THROWS_AS(read_input(*short_of_one, 1), Error);
  one.join();

  auto extra = std::make_shared<UploadPipe>(std::vector<std::string>{"a"});
  CHECK(extra->begin_input());
  CHECK_FALSE(extra->begin_input());
}

TEST_CASE("once the service is done, the producer stops waiting and drops the rest") {
  auto pipe = std::make_shared<UploadPipe>(std::vector<std::string>{"a"}, 1024);
  std::thread producer = produce(pipe, {pattern(1 << 20, 6)}, true, 11);
  char some[100];
  CHECK(pipe->read(0, some, sizeof some) == 100);
  pipe->close_consumer();
  producer.join();  // would hang if the producer still waited for room
  CHECK_FALSE(pipe->write("x", 1));
}

TEST_CASE("the row spool keeps order across memory and its temporary file") {
  RowSpool spool(100);  // spills almost at once
  std::string expected;
  std::thread producer([&] {
    for (int i = 0; i < 5000; ++i) {
      std::string line = row_line({{"i", i}, {"pad", std::string(i % 50, 'x')}});
      spool.append(line);
    }
    spool.close();
  });
  for (int i = 0; i < 5000; ++i)
    expected += row_line({{"i", i}, {"pad", std::string(i % 50, 'x')}});
  std::string got, piece;
  while (spool.take(piece))
    got += piece;
  producer.join();
  CHECK(got == expected);
}

TEST_CASE("a cancelled spool ends the call that writes to it") {
  RowSpool spool;
  spool.append("a\n");
  spool.cancel();
  CHECK_THROWS_AS(spool.append("b\n"), Error);
}
