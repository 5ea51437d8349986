#include "core/quote_input.hpp"

#include <fmt/format.h>

namespace ringtmp {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i] (>= 2), or 0 when there is
// none there (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // the allowed range of the second byte
  if (lead >= 0xc2 && lead <= 0xdf) length = 2;
  else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (i + length > text.size()) return 0;
  if (byte(i + 1) < low || byte(i + 1) > high) return 0;
  for (std::size_t k = 2; k < length; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xbf) return 0;
  return length;
}

// The first max_bytes of the text, made printable.
std::string printable_prefix(std::string_view text, std::size_t max_bytes) {
  const std::string_view shown = text.substr(0, max_bytes);
  std::string out;
  out.reserve(shown.size() + 16);
  for (std::size_t i = 0; i < shown.size();) {
    const auto c = static_cast<unsigned char>(shown[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += char(c);
      ++i;
    } else if (c == '\\') {
      out += "\\\\";
      ++i;
    } else if (const std::size_t n = c >= 0x80 ? utf8_sequence(shown, i) : 0; n > 0) {
      out.append(shown.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string escape_input(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return printable_prefix(text, max_bytes);
  return fmt::format("{}... ({} bytes)", printable_prefix(text, max_bytes), text.size());
}

std::string quote_input(std::string_view text, std::size_t max_bytes) {
  // The size note goes outside the quotes: the quoted part is exactly what was read.
  if (text.size() <= max_bytes) return fmt::format("'{}'", printable_prefix(text, max_bytes));
  return fmt::format("'{}...' ({} bytes)", printable_prefix(text, max_bytes), text.size());
}

}  // namespace ringtmp
