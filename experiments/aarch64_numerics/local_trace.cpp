// local_trace: `ringtmp train --strategy local` without the CLI, for a cross-built binary
// that runs under qemu-aarch64. It runs run_local (the same entry point, so the same GEMM
// pinning) on Fashion-MNIST and prints every iteration's loss in shortest round-trip form,
// as iterations.csv does, then the test accuracy.
//
//   local_trace DATA_DIR LAYERS BATCH LR ITERATIONS SEED
#include <cstdlib>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "core/data/load_data.hpp"
#include "core/strategy/local.hpp"

int main(int argc, char** argv) {
  if (argc != 7) {
    fmt::print(stderr, "usage: local_trace DATA_DIR LAYERS BATCH LR ITERATIONS SEED\n");
    return 2;
  }
  ringtmp::RunConfig c;
  c.strategy = ringtmp::StrategyKind::local;
  c.data_dir = argv[1];
  c.layers.clear();
  std::stringstream widths(argv[2]);
  for (std::string w; std::getline(widths, w, ',');) c.layers.push_back(std::atoi(w.c_str()));
  c.batch = std::atoi(argv[3]);
  c.lr = std::strtof(argv[4], nullptr);
  c.iterations = std::atoll(argv[5]);
  c.seed = std::strtoull(argv[6], nullptr, 10);
  if (auto s = c.validate(); !s.ok()) {
    fmt::print(stderr, "local_trace: {}\n", s.message());
    return 2;
  }
  auto data = ringtmp::load_data(c);
  if (!data.ok()) {
    fmt::print(stderr, "local_trace: {}\n", data.status().message());
    return 1;
  }
  auto run = ringtmp::run_local(c, *data);
  if (!run.ok()) {
    fmt::print(stderr, "local_trace: {}\n", run.status().message());
    return 1;
  }
  fmt::print("iteration,loss\n");
  for (const auto& r : run->trace) fmt::print("{},{}\n", r.iteration, r.loss);
  fmt::print("test_accuracy,{}\n", run->test_accuracy().value_or(-1.0));
  return 0;
}
