#pragma once
// The simulator tests' small run: 4 nodes (and 2 servers) training a 32-feature MLP on
// synthetic data, on the test platforms' unit devices and Ethernet.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/data/synthetic.hpp"
#include "sim/simulation.hpp"

namespace ringtmp::testing {

inline RunConfig small_run(StrategyKind s) {
  RunConfig c;
  c.strategy = s;
  c.dataset = DatasetKind::synthetic;
  c.layers = {32, 24, 24, 16, 8};
  c.nodes = 4;
  c.servers = 2;
  c.batch = 32;
  c.microbatches = 4;
  c.momentum = 0.5f;
  c.iterations = 30;
  c.network = "eth";
  c.device = "unit";
  c.eval_every = 10;
  return c;
}

inline DataSplit small_data() {
  return make_synthetic({.features = 32, .classes = 8, .train_samples = 512, .test_samples = 128, .seed = 3});
}

// Simulates c on small_data() (throws the error line: the tests run it in a child) and
// returns its loss trace, then whatever `more` appends from the run.
template <class More>
std::vector<double> simulated_losses(const RunConfig& c, const std::string& platforms, const More& more) {
  sim::SimOptions o;
  o.platforms_dir = platforms;
  auto run = sim::simulate(c, small_data(), o);
  if (!run.ok()) throw std::runtime_error(run.status().message());
  std::vector<double> v;
  for (const auto& r : run->trace) v.push_back(r.loss);
  more(*run, v);
  return v;
}

}  // namespace ringtmp::testing
