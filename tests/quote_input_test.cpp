// quote_input/escape_input: a culprit echoed in an error line is printable, on one line, and cut.
#include "core/quote_input.hpp"

#include <string>

#include <doctest/doctest.h>

#include "core/settings.hpp"
#include "runtime/peers_file.hpp"

using namespace ringtmp;

TEST_CASE("printable text is echoed as typed, accents included") {
  CHECK(quote_input("ring") == "'ring'");
  CHECK(quote_input("") == "''");
  CHECK(quote_input("caf\xc3\xa9 \xe2\x82\xac") == "'caf\xc3\xa9 \xe2\x82\xac'");
}

TEST_CASE("control bytes, backslashes and invalid UTF-8 become escapes") {
  CHECK(quote_input(std::string("a\x01\nb\x7f", 5)) == "'a\\x01\\x0ab\\x7f'");
  CHECK(quote_input(std::string("x\0y", 3)) == "'x\\x00y'");
  CHECK(quote_input("C:\\dir") == "'C:\\\\dir'");
  CHECK(quote_input("\xff\xfe") == "'\\xff\\xfe'");
  CHECK(quote_input("\xc0\xaf") == "'\\xc0\\xaf'");          // overlong '/'
  CHECK(quote_input("\xed\xa0\x80") == "'\\xed\\xa0\\x80'");  // a UTF-16 surrogate
  CHECK(quote_input("\xe2\x82") == "'\\xe2\\x82'");          // a sequence cut short
}

TEST_CASE("a long culprit is cut, its size said outside the quotes") {
  const std::string key(5 << 20, 'a');
  const std::string q = quote_input(key);
  CHECK(q == "'" + std::string(kCulpritBytes, 'a') + "...' (5242880 bytes)");
  CHECK(escape_input("abcdef", 3) == "abc... (6 bytes)");
  CHECK(escape_input("abc", 3) == "abc");
}

TEST_CASE("settings and peers errors quote binary garbage safely") {
  RunConfig c;
  for (const auto& s : setting_table()) {
    if (s.key != "strategy") continue;
    const auto status = s.assign(c, std::string("ring\x01\xff", 6));
    REQUIRE(!status.ok());
    CHECK(status.message().find("'ring\\x01\\xff'") != std::string::npos);
  }
  const auto peers = parse_peers(std::string("host:9\x1b[2J\n", 11), "peers.txt");
  REQUIRE(!peers.ok());
  CHECK(peers.status().message().find('\x1b') == std::string::npos);
  CHECK(peers.status().message().find("\\x1b") != std::string::npos);
}
