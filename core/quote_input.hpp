#pragma once
// Echoing a user's bytes back in an error line. A config or peers file may hold binary
// garbage or one endless line: echoed raw, it breaks the terminal and the one-line rule.
// Control bytes and invalid UTF-8 become \xNN escapes (printable text, accents included,
// stays as typed), and anything longer than `max_bytes` is cut with its full size said.
#include <cstddef>
#include <string>
#include <string_view>

namespace ringtmp {

inline constexpr std::size_t kCulpritBytes = 60;

// The text made printable and cut: `ring\x01…` (5242880 bytes). No quotes added.
std::string escape_input(std::string_view text, std::size_t max_bytes = kCulpritBytes);

// The same between single quotes: 'ring\x01', the form error lines use for a culprit.
std::string quote_input(std::string_view text, std::size_t max_bytes = kCulpritBytes);

}  // namespace ringtmp
