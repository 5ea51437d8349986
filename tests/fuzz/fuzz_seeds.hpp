#pragma once
// Seeds a fuzz target's working corpus from the target itself, so each target's seeds live
// beside the property it checks: called from LLVMFuzzerInitialize, it writes `seeds` into
// the first corpus directory on the command line (run_fuzz.cmake passes a fresh one) if
// that directory is empty, before libFuzzer reads it.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::fuzz {

inline void seed_corpus(int argc, char** argv, const std::vector<std::vector<uint8_t>>& seeds) {
  namespace fs = std::filesystem;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.empty() || arg[0] == '-') continue;
    std::error_code ec;
    if (!fs::is_directory(arg, ec) || !fs::is_empty(arg, ec)) return;
    for (size_t k = 0; k < seeds.size(); ++k) {
      std::ofstream out(fs::path(arg) / ("seed-" + std::to_string(k)), std::ios::binary);
      out.write(reinterpret_cast<const char*>(seeds[k].data()), std::streamsize(seeds[k].size()));
    }
    return;
  }
}

// The property every parser's refusal has: a message on one line (what the user sees after
// "ringtmp CMD: "; the culprit's own bytes go through quote_input). Prints the message before aborting, so the finding says what was wrong.
inline void check_refusal(const Status& s) {
  if (!s.message().empty() && s.message().find('\n') == std::string::npos) return;
  std::fprintf(stderr, "refusal without a message, or over several lines: [%s]\n", s.message().c_str());
  std::abort();
}

// A file of this process's own for a target whose parser reads a path: "<tmp>/ringtmp-<name>-<pid><ext>".
// In memory (/dev/shm) where there is one: the targets that read files write one per input,
// and on this machine's disk that write made run_options_fuzz three times slower.
inline std::string scratch_path(const std::string& name, const std::string& ext) {
  std::error_code ec;
  const std::filesystem::path dir =
      ::access("/dev/shm", W_OK) == 0 ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path(ec);
  return (dir / ("ringtmp-" + name + "-" + std::to_string(::getpid()) + ext)).string();
}
inline void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace ringtmp::fuzz
