#pragma once
// Writing one output file whole or not at all: every write, the flush to disk (fsync) and
// the close are checked, so a full disk (ENOSPC), a quota or an I/O error is an error
// naming the file rather than a 0-byte or truncated file that looks like a result.
#include <string>
#include <string_view>

#include "core/status.hpp"

namespace ringtmp {

// Creates or truncates `path` and writes `bytes` to it, then fsyncs and closes it. On any
// failure the error is "<path>: cannot write (<why>)" and a regular file this call wrote
// is removed (a device such as /dev/full is left alone).
Status write_whole_file(const std::string& path, std::string_view bytes);

}  // namespace ringtmp
