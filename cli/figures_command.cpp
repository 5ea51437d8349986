// `ringtmp figures`: regenerates the study's results (results/<experiment>/: CSVs, PNGs,
// finding.md) by running experiments/figures.py, which runs this binary's `sim` for every
// experiment. The C++ side checks the flags and finds the pieces (the experiments, a Python
// 3, gnuplot), so that a missing one is one line naming it, then hands over.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/simulator.hpp"
#include "cli/subprocess.hpp"
#include "core/parse_number.hpp"
#include "core/quote_input.hpp"

namespace ringtmp::cli {
namespace {

namespace fs = std::filesystem;

constexpr const char* kUsage =
    "Usage: ringtmp figures [--experiment NAME ...] [--quick | --tiny] [--seeds K] [--out DIR] [--replot]\n"
    "                       [--jobs J] [--list]\n\n"
    "Runs the study's experiments (experiments/<name>/figure.py) and writes DIR/<name>/: the CSVs,\n"
    "a PNG per figure and finding.md, whose verdicts are computed from the CSVs.\n\n"
    "  --experiment NAME  only this experiment (repeatable; default: all; --list names them)\n"
    "  --quick            fewer seeds, devices and iterations, the same figures (minutes)\n"
    "  --tiny             the smallest run of each experiment (seconds; for tests, not for reading)\n"
    "  --seeds K          K seeds per point instead of the experiment's own number\n"
    "  --out DIR          where results go (default: the source tree's results/)\n"
    "  --replot           redraw the figures and recompute the findings from DIR's CSVs, running nothing\n"
    "  --jobs J           simulations at a time (default: the number of cores)\n";

// The first of `candidates` that is a regular file, or "".
std::string first_file(std::initializer_list<fs::path> candidates) {
  std::error_code ec;
  for (const auto& p : candidates)
    if (fs::is_regular_file(p, ec)) return p.string();
  return "";
}

}  // namespace

int figures_command(const std::vector<std::string>& args) {
  std::vector<std::string> forwarded;
  std::string out, size = "full";
  bool list = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* { return i + 1 < args.size() ? &args[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      fmt::print("{}", kUsage);
      return 0;
    } else if (a == "--quick" || a == "--tiny") {
      size = a.substr(2);
    } else if (a == "--replot") {
      forwarded.push_back(a);
    } else if (a == "--list") {
      list = true;
    } else if (a == "--experiment" || a == "--seeds" || a == "--jobs" || a == "--out") {
      const std::string* v = value();
      if (!v) {
        fmt::print(stderr, "ringtmp figures: {} needs a value (ringtmp figures --help)\n", a);
        return 2;
      }
      if (a == "--seeds" || a == "--jobs") {
        const auto n = parse_number<int>(*v);
        if (!n || *n < 1 || *n > 1000) {
          fmt::print(stderr, "ringtmp figures: {} {}: expected a whole number from 1 to 1000\n", a, quote_input(*v));
          return 2;
        }
      }
      if (a == "--out")
        out = *v;
      else
        forwarded.insert(forwarded.end(), {a, *v});
    } else {
      fmt::print(stderr, "ringtmp figures: unknown option {} (ringtmp figures --help)\n", quote_input(a));
      return 2;
    }
  }

  if (!kHasSimulator && !list) return no_simulator("figures", "the experiments simulate: run them from a full build");
  // The binary's own path: the experiments run this very build's `sim`.
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const fs::path source = RINGTMP_SOURCE_DIR;
  const std::string driver = first_file({source / "experiments/figures.py"});
  if (driver.empty()) {
    fmt::print(stderr, "ringtmp figures: {} not found: the figures run from the source checkout this binary was "
                       "built from\n", (source / "experiments/figures.py").string());
    return 1;
  }
  // Debian's Python first: a user's own python3 on PATH may lack nothing we use, but
  // /usr/bin/python3 is the one install-deps.sh put there.
  std::string python = first_file({"/usr/bin/python3"});
  if (python.empty()) python = program_on_path("python3");
  if (python.empty()) {
    fmt::print(stderr, "ringtmp figures: python3 not found (scripts/install-deps.sh installs it)\n");
    return 1;
  }
  if (!list && program_on_path("gnuplot").empty()) {
    fmt::print(stderr, "ringtmp figures: gnuplot not found, the figures cannot be drawn (apt-get install gnuplot-nox; "
                       "scripts/install-deps.sh installs it)\n");
    return 1;
  }
  if (out.empty()) out = (source / "results").string();

  std::vector<std::string> argv_text = {python, driver, "--bin", exe.string(), "--results", out, "--size", size};
  if (list) argv_text.push_back("--list");
  argv_text.insert(argv_text.end(), forwarded.begin(), forwarded.end());
  std::vector<char*> argv;
  for (auto& s : argv_text) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(python.c_str(), argv.data());
  fmt::print(stderr, "ringtmp figures: cannot run {}: {}\n", python, std::strerror(errno));
  return 1;
}

}  // namespace ringtmp::cli
