#pragma once
// The one number reader of flags, INI values, profiles and fault schedules. Header-only, so
// a parser that needs it (and a fuzz target linking that parser alone) needs nothing else.
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

namespace ringtmp {

// The whole text as a number of type T: an optional '-' and digits (for reals, also a
// fraction and an exponent); no blanks, no '+', no hexadecimal, nothing after. nullopt when
// it is not, or when it does not fit T.
template <class T>
inline std::optional<T> parse_number(std::string_view text) {
  // from_chars already refuses blanks and '+'; a digit or '.' first (after a '-') rules out
  // "inf", "nan" and anything else that is not written as digits.
  const std::string_view digits = text.starts_with('-') ? text.substr(1) : text;
  if (digits.empty() || !(std::isdigit(static_cast<unsigned char>(digits[0])) || digits[0] == '.'))
    return std::nullopt;
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace ringtmp
