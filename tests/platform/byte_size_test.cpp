// Sizes in bytes: the one reader takes what a person means by "2G" or "1.5GiB" and nothing
// it would have to guess ("1GB", "1e9"), never overflows, and the exact writer reads back.
#include "core/platform/byte_size.hpp"

#include <limits>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {
constexpr int64_t KiB = int64_t(1) << 10, MiB = int64_t(1) << 20, GiB = int64_t(1) << 30, TiB = int64_t(1) << 40,
                  PiB = int64_t(1) << 50;
constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
}  // namespace

TEST_CASE("parse_byte_size: plain bytes and 1024-based suffixes") {
  struct Case {
    const char* text;
    int64_t bytes;
  };
  for (const auto& [text, bytes] :
       {Case{"0", 0}, Case{"1", 1}, Case{"1073741824", GiB}, Case{"1K", KiB}, Case{"1KiB", KiB}, Case{"2M", 2 * MiB},
        Case{"2MiB", 2 * MiB}, Case{"1G", GiB}, Case{"1GiB", GiB}, Case{"3T", 3 * TiB}, Case{"3TiB", 3 * TiB},
        Case{"1P", PiB}, Case{"1PiB", PiB}, Case{"1.5G", GiB + GiB / 2}, Case{"0.5K", 512}, Case{"0.0G", 0},
        // A fraction rounds down to whole bytes: 1.21 x 2^30 = 1299227607.04.
        Case{"1.21G", 1299227607}, Case{"0.001K", 1}, Case{"007M", 7 * MiB}, Case{"1.500000000000000000000G", GiB + GiB / 2},
        Case{"9223372036854775807", kMax}, Case{"8191P", 8191 * PiB}, Case{"8191.99999999999999P", kMax - 11}}) {
    CAPTURE(text);
    CHECK(parse_byte_size(text) == bytes);
  }
}

TEST_CASE("parse_byte_size refuses what it would have to guess, and overflow") {
  for (const char* text :
       {"", "G", "-1", "-1G", "+1", " 1", "1 ", "1 G", "1GB", "1gb", "1g", "1k", "1e9", "1E3", "1.", ".5", "1.5.2G",
        "1,5G", "0x10", "inf", "nan", "1KK", "1Ki", "1iB", "1B", "0.1", "0.0001K",  // less than a byte, not zero
        "9223372036854775808", "99999999999999999999", "8192P", "99999999999T", "10000000000000000000000K",
        "1.0000000000000000001G"}) {
    CAPTURE(text);
    CHECK_FALSE(parse_byte_size(text).has_value());
  }
}

TEST_CASE("byte_size_text is exact and reads back") {
  CHECK(byte_size_text(0) == "0");
  CHECK(byte_size_text(1) == "1");
  CHECK(byte_size_text(KiB) == "1K");
  CHECK(byte_size_text(3 * MiB) == "3M");
  CHECK(byte_size_text(1536 * MiB) == "1536M");
  CHECK(byte_size_text(2 * GiB) == "2G");
  CHECK(byte_size_text(PiB) == "1P");
  CHECK(byte_size_text(1000000) == "1000000");
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(1023), KiB, 1536 * MiB, 5 * TiB + KiB, 8191 * PiB, kMax}) {
    CAPTURE(v);
    CHECK(parse_byte_size(byte_size_text(v)) == v);
  }
}

TEST_CASE("format_bytes: three significant digits in binary units, no trailing zeros") {
  CHECK(format_bytes(0) == "0 B");
  CHECK(format_bytes(1023) == "1023 B");
  CHECK(format_bytes(KiB) == "1 KiB");
  CHECK(format_bytes(402 * MiB) == "402 MiB");
  CHECK(format_bytes(1299227607) == "1.21 GiB");
  CHECK(format_bytes(1536 * MiB) == "1.5 GiB");
  CHECK(format_bytes(10 * GiB + GiB / 2) == "10.5 GiB");
  CHECK(format_bytes(GiB - 1) == "1 GiB");  // not "1024 MiB"
  CHECK(format_bytes(MiB - 1) == "1 MiB");
  CHECK(format_bytes(999 * MiB) == "999 MiB");
  CHECK(format_bytes(64 * MiB) == "64 MiB");
  CHECK(format_bytes(1000 * KiB) == "1000 KiB");
  CHECK(format_bytes(1023 * KiB + 1000) == "1 MiB");
  CHECK(format_bytes(int64_t(1.234 * double(GiB))) == "1.23 GiB");
  CHECK(format_bytes(kMax) == "8 EiB");
  CHECK(format_bytes(-KiB) == "-1 KiB");
  CHECK(format_bytes(std::numeric_limits<int64_t>::min()) == "-8 EiB");
}
