// libFuzzer target: the run options, as an INI file (--config) and as a command line. The
// first byte chooses: 0 the rest is the INI file; 1 the rest is the words of a command line,
// split on NUL; 2 the INI file up to the first NUL, the words after it. Every input gets a
// verdict: an error message (see fuzz::check_refusal), or a RunConfig whose config_ini (the INI a
// run folder and `launch` write) reads back to the same config_ini. Validation runs on every
// accepted config (it must refuse, never crash).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "cli/options.hpp"
#include "core/settings.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

const std::string& ini_path() {
  static const std::string path = fuzz::scratch_path("run-options-fuzz", ".ini");
  return path;
}

void write_ini(std::string_view text) { fuzz::write_file(ini_path(), text); }

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  for (size_t at = 0; at <= text.size();) {
    const size_t nul = std::min(text.find('\0', at), text.size());
    words.emplace_back(text.substr(at, nul - at));
    at = nul + 1;
  }
  return words;
}


std::vector<uint8_t> input(char mode, std::string_view text) {
  std::vector<uint8_t> v{uint8_t(mode)};
  v.insert(v.end(), text.begin(), text.end());
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  using namespace std::string_view_literals;
  fuzz::seed_corpus(*argc, *argv,
                    {input(0, config_ini(RunConfig{})),
                     input(0, "# ring\nstrategy = ring\nnodes = 4\nlayers = 784,64,10\nlr = 0.1\ntiming-only = true\n"),
                     input(0, "[section]\nbatch = +5\nseed = 18446744073709551615\n"),
                     input(1, "--strategy\0ps\0--ps-mode\0ssp\0--staleness\0002\0--servers\0002\0--nodes\08"sv),
                     input(1, "--timing-only\0--iterations\010\0--device\0pi4b*2,pi3b+*2\0--nodes\04"sv),
                     input(1, "--strat\0ring\0--lr\0 5\0--peer-timeout\0001e10"sv),
                     input(2, "epochs = 2\nfaults = kill:1@3\n\0--epochs\0003\0--network\0ethernet-1g"sv)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<std::string> args;
  switch (data[0] % 3) {
    case 0:
      write_ini(text);
      args = {"--config", ini_path()};
      break;
    case 1:
      args = split_words(text);
      break;
    default: {
      const size_t nul = std::min(text.find('\0'), text.size());
      write_ini(text.substr(0, nul));
      args = {"--config", ini_path()};
      if (nul < text.size()) {
        auto words = split_words(text.substr(nul + 1));
        args.insert(args.end(), words.begin(), words.end());
      }
    }
  }
  auto parsed = cli::read_run_args("train", args);
  if (!parsed.ok()) {
    fuzz::check_refusal(parsed.status());
    return 0;
  }
  if (parsed->help) return 0;
  // Only a valid config is ever written to a run folder: the round trip is its property.
  if (auto s = parsed->config.validate(); !s.ok()) {
    fuzz::check_refusal(s);
    return 0;
  }

  // What a run folder's config.ini and launch's run.ini hold must mean the same config.
  const std::string ini = config_ini(parsed->config);
  write_ini(ini);
  auto again = cli::read_run_args("train", {"--config", ini_path()});
  if (!again.ok()) {
    std::fprintf(stderr, "config_ini does not read back: %s\n--- it wrote:\n%s", again.status().message().c_str(),
                 ini.c_str());
    std::abort();
  }
  if (const std::string back = config_ini(again->config); back != ini) {
    std::fprintf(stderr, "config_ini reads back as another config:\n--- wrote:\n%s--- read back:\n%s", ini.c_str(),
                 back.c_str());
    std::abort();
  }
  return 0;
}
