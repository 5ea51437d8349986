#pragma once
// Reading an input file the user names (config, peers file, key file, profile, outcome
// file). It must be a regular file: a FIFO blocks whoever opens or reads it until a writer
// comes, and a device such as /dev/zero never ends. And it must be at most `max_bytes`
// long, so a wrong path costs an error line rather than the machine's memory. Errors name
// the file the way the user knows it: "<what> <path>: <why>" ("<path>: <why>" if `what` is
// empty).
#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ringtmp {

// A path as an error line shows it: control bytes (a newline is legal in a file name) and
// invalid UTF-8 escaped, so the message stays one line; long paths are shown whole up to
// kPathBytes.
inline constexpr std::size_t kPathBytes = 4096;
std::string printable_path(std::string_view path);

// Opens `path` for reading without blocking (O_NONBLOCK, so a FIFO returns at once), checks
// with fstat that it is a regular file, then makes reads blocking again. Returns the file
// descriptor, which the caller closes.
StatusOr<int> open_regular_file(const std::string& path, std::string_view what);

// The whole file, or an error if it cannot be opened, is not a regular file, or holds more
// than `max_bytes` bytes (checked as the bytes arrive, not only against st_size, since a
// file may grow while it is read).
StatusOr<std::string> read_text_file(const std::string& path, std::string_view what, size_t max_bytes);

}  // namespace ringtmp
