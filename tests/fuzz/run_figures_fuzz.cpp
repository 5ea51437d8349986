// libFuzzer target: a run folder's iterations.csv and nodes.csv (split at the first NUL) as
// `validate` reads them back, and the rest of the input as validate.json. A verdict for
// every input: an error message naming the folder's file, or figures
// that are numbers (a sum of huge byte counts may be infinite, never NaN; the loss may be
// NaN: a timing-only run has none); never an exception.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cli/run_figures.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;
using namespace std::string_view_literals;

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const std::string nodes =
      "rank,busy_s,idle_s,send_s,bytes_sent,bytes_received,messages_sent,messages_received,peak_memory_bytes,"
      "energy_joules\n0,1.5,0.5,0.01,1000,1000,10,10,4096,3.2\n1,1.2,0.8,0.02,2000,900,12,9,4096,\n";
  fuzz::seed_corpus(*argc, *argv,
                    {fuzz::bytes_of("iteration,time,loss,samples\n1,0.5,2.3,64\n2,1.0,2.1,128\n3,1.5,1.9,192\n" +
                                    std::string("\0"sv) + nodes),
                     fuzz::bytes_of("iteration,time,loss,samples\n1,0.5,,64\n2,1.0,,128\n" + std::string("\0"sv) +
                                    nodes),
                     fuzz::bytes_of("iteration,time\n1,0.5\n2,x\n" + std::string("\0"sv) + "rank,busy_s\n0,1\n"),
                     fuzz::bytes_of("{\n  \"iteration_seconds\": {\"sim\": 0.5, \"runtime\": 0.55, \"relative_error\": "
                                    "0.1},\n  \"runtime_spread\": {\"repeats\": 1}\n}\n")});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const size_t nul = std::min(text.find('\0'), text.size());
  const auto nodes = nul < text.size() ? text.substr(nul + 1) : std::string_view{};
  auto f = cli::figures_from_csv(text.substr(0, nul), nodes, "run");
  if (!f.ok()) {
    fuzz::check_refusal(f.status());
    if (!f.status().message().starts_with("run")) std::abort();
  } else {
    if (!std::isfinite(f->iteration_s) || std::isnan(f->bytes_per_iteration) || std::isnan(f->idle_fraction))
      std::abort();
  }
  (void)cli::read_json_number(text, "iteration_seconds", "sim");
  (void)cli::read_json_number(text, "runtime_spread", "max_iteration_seconds");
  return 0;
}
