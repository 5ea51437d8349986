// JSON pieces every writer shares: a number that is not finite is null, a string is always
// a valid JSON string (escapes, and U+FFFD for bytes that are not UTF-8). The strict checker
// the writer tests use is checked here too, so that a green writer test means something.
#include "core/metrics/json.hpp"

#include <limits>

#include <doctest/doctest.h>

#include "tests/metrics/strict_json.hpp"

using namespace ringtmp;
using ringtmp::testing::StrictJson;

TEST_CASE("json_number: finite numbers round-trip, the rest are null") {
  CHECK(json_number(0.1) == "0.1");
  CHECK(json_number(-3) == "-3");
  CHECK(json_number(1e300) == "1e+300");
  for (double v : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
                   -std::numeric_limits<double>::infinity()})
    CHECK(json_number(v) == "null");
  CHECK(json_number_or_null(std::optional<double>{}) == "null");
  CHECK(json_number_or_null(std::optional<double>{std::numeric_limits<double>::infinity()}) == "null");
  CHECK(json_number_or_null(std::optional<int64_t>{7}) == "7");
}

TEST_CASE("json_quote: escapes, control characters, and bytes that are not UTF-8") {
  CHECK(json_quote("a\"b\\c\nd\te") == R"("a\"b\\c\nd\te")");
  CHECK(json_quote(std::string("\x01\x7f", 2)) == R"("\u0001\u007f")");
  CHECK(json_quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") == "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  CHECK(json_quote("Latin-1 caf\xe9") == R"("Latin-1 caf\ufffd")");
  CHECK(json_quote("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82") == R"("\ufffd\ufffd \ufffd\ufffd\ufffd \ufffd\ufffd\ufffd\ufffd \ufffd\ufffd")");
  for (const char* s : {"plain", "caf\xe9", "\xff\xfe", "\xe2\x82", "quote\"and\\"})
    CHECK(StrictJson::check(json_quote(s)) == "");
}

TEST_CASE("the strict checker refuses what is not JSON") {
  for (const char* good : {"{}", "[]", "null", "-0.5e-3", R"({"a": [1, 2.5, true, null, "x\u00e9"]})"}) {
    CAPTURE(good);
    CHECK(StrictJson::check(good) == "");
  }
  for (const char* bad : {"nan", "inf", "-inf", "NaN", "Infinity", "[1, nan]", R"({"a": inf})", "+1", "01", "1.",
                          "0x10", "{\"a\" 1}", "[1,]", "{} {}", "\"\x01\"", "\"caf\xe9\"", "\"\\x\"", ""}) {
    CAPTURE(bad);
    CHECK(StrictJson::check(bad) != "");
  }
}
