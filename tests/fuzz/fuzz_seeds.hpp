#pragma once
// Seeds a fuzz target's working corpus from the target itself, so each target's seeds live
// beside the property it checks: called from LLVMFuzzerInitialize, it writes `seeds` into
// the first corpus directory on the command line (run_fuzz.cmake passes a fresh one) if
// that directory is empty, before libFuzzer reads it.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

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

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace ringtmp::fuzz
