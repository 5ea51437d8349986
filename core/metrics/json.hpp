#pragma once
// The pieces every JSON writer shares, so that no file ever holds a bare nan or inf (which
// is not JSON): a number that is not finite is written as null.
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

namespace ringtmp {

// Shortest round-trip form (a file re-read gives the same double); null when not finite.
inline std::string json_number(double v) { return std::isfinite(v) ? fmt::format("{}", v) : "null"; }

// An optional figure: null when absent (or, for a floating-point one, not finite).
template <class T>
std::string json_number_or_null(const std::optional<T>& v) {
  if (!v) return "null";
  if constexpr (std::is_floating_point_v<T>) return json_number(double(*v));
  else return fmt::format("{}", *v);
}

// A JSON string literal: quotes, backslashes and control characters escaped, and a byte
// that is not part of valid UTF-8 (a Latin-1 path) written as U+FFFD, so the text stays JSON.
std::string json_quote(std::string_view s);

}  // namespace ringtmp
