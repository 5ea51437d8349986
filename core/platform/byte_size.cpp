#include "core/platform/byte_size.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>

#include <fmt/format.h>

namespace ringtmp {
namespace {

struct Unit {
  std::string_view letter, iec;  // "G", "GiB"
  int shift;                     // 2^shift bytes
};
// Largest first: byte_size_text picks the largest that divides.
constexpr std::array<Unit, 5> kUnits = {Unit{"P", "PiB", 50}, Unit{"T", "TiB", 40}, Unit{"G", "GiB", 30},
                                        Unit{"M", "MiB", 20}, Unit{"K", "KiB", 10}};

bool all_digits(std::string_view s) {
  for (unsigned char c : s)
    if (!std::isdigit(c)) return false;
  return true;
}

}  // namespace

std::optional<int64_t> parse_byte_size(std::string_view text) {
  size_t number_end = text.size();
  while (number_end > 0 && std::isalpha(static_cast<unsigned char>(text[number_end - 1]))) --number_end;
  const std::string_view suffix = text.substr(number_end);
  int shift = 0;
  if (!suffix.empty()) {
    shift = -1;
    for (const auto& u : kUnits)
      if (suffix == u.letter || suffix == u.iec) shift = u.shift;
    if (shift < 0) return std::nullopt;
  }
  std::string_view whole = text.substr(0, number_end), fraction;
  if (const size_t dot = whole.find('.'); dot != std::string_view::npos) {
    fraction = whole.substr(dot + 1);
    whole = whole.substr(0, dot);
    if (fraction.empty()) return std::nullopt;  // "1." is a typo, not a size
  }
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction)) return std::nullopt;
  const bool nonzero = whole.find_first_not_of('0') != std::string_view::npos ||
                       fraction.find_first_not_of('0') != std::string_view::npos;
  // Exact arithmetic in 128 bits: at most 19 significant whole digits (below 10^19 < 2^64)
  // and 18 fraction digits, each times at most 2^50, stay far below 2^128.
  whole.remove_prefix(std::min(whole.find_first_not_of('0'), whole.size()));
  while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  if (whole.size() > 19 || fraction.size() > 18) return std::nullopt;
  using u128 = unsigned __int128;
  u128 whole_value = 0, fraction_value = 0, fraction_scale = 1;
  for (char c : whole) whole_value = whole_value * 10 + u128(c - '0');
  for (char c : fraction) {
    fraction_value = fraction_value * 10 + u128(c - '0');
    fraction_scale *= 10;
  }
  const u128 bytes = (whole_value << shift) + ((fraction_value << shift) / fraction_scale);  // rounded down
  if (bytes > u128(std::numeric_limits<int64_t>::max())) return std::nullopt;
  if (bytes == 0 && nonzero) return std::nullopt;  // "0.1": less than a byte, not "nothing"
  return int64_t(bytes);
}

std::string byte_size_text(int64_t bytes) {
  if (bytes != 0)
    for (const auto& u : kUnits)
      if (bytes % (int64_t(1) << u.shift) == 0) return fmt::format("{}{}", bytes >> u.shift, u.letter);
  return fmt::format("{}", bytes);
}

std::string format_bytes(int64_t bytes) {
  // The magnitude in unsigned arithmetic: -INT64_MIN does not fit int64_t.
  const uint64_t magnitude = bytes < 0 ? uint64_t(0) - uint64_t(bytes) : uint64_t(bytes);
  const std::string_view sign = bytes < 0 ? "-" : "";
  if (magnitude < 1024) return fmt::format("{}{} B", sign, magnitude);
  constexpr std::array<std::string_view, 6> names = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  size_t unit = 0;
  double value = double(magnitude) / 1024;
  // Three significant digits; a value that rounds to 1024 moves up a unit ("1.00 GiB", not "1024 MiB").
  auto rounded = [](double v) { return v >= 99.95 ? std::round(v) : v >= 9.995 ? std::round(v * 10) / 10 : std::round(v * 100) / 100; };
  while (unit + 1 < names.size() && rounded(value) >= 1024) {
    value /= 1024;
    ++unit;
  }
  const double shown = rounded(value);
  std::string digits = fmt::format("{:.{}f}", shown, shown >= 100 ? 0 : shown >= 10 ? 1 : 2);
  if (digits.find('.') != std::string::npos) {  // "1.50" -> "1.5", "64.0" -> "64"
    while (digits.back() == '0') digits.pop_back();
    if (digits.back() == '.') digits.pop_back();
  }
  return fmt::format("{}{} {}", sign, digits, names[unit]);
}

}  // namespace ringtmp
