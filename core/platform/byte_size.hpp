#pragma once
// Sizes in bytes as people write and read them: "2G" on a command line or in a --device
// variant, "1.21 GiB" in a message. One reader and two writers, so every flag, profile
// variant and error line spells a size the same way. Suffixes are binary (1024-based):
// a Raspberry Pi's "1 GB" is 2^30 bytes of DRAM, and Linux (free, /proc/meminfo) counts so.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ringtmp {

// What parse_byte_size accepts, for the end of an error line.
inline constexpr std::string_view kByteSizeForms = "bytes, or K, M, G, T, P (1024-based; also KiB, MiB, ...), e.g. 512M, 1.5G";

// The whole text as a number of bytes: digits with an optional fraction, then an optional
// suffix K, M, G, T, P or KiB, MiB, GiB, TiB, PiB (1024-based). "1073741824", "1G", "1GiB",
// "1.5G", "0". A fraction is rounded down to whole bytes. nullopt for anything else: blanks,
// a sign, an exponent, "GB" (decimal or binary? the reader will not guess), a value past
// int64_t, or a fraction that rounds down to 0 bytes from a non-zero text ("0.1" bytes).
std::optional<int64_t> parse_byte_size(std::string_view text);

// Exact text that parse_byte_size reads back to the same value: the largest suffix that
// divides it ("2G", "1536M"), or plain bytes ("1000000", "0"). For config files.
std::string byte_size_text(int64_t bytes);

// For people: "402 MiB", "1.21 GiB", "1.5 GiB", "64 MiB", "512 B" (binary units, rounded
// to three significant digits, trailing zeros dropped). Negative values keep their sign.
// For messages, not for reading back.
std::string format_bytes(int64_t bytes);

}  // namespace ringtmp
