// The config digest: equal configs agree, every covered field changes it, the per-device
// fields (data_dir, out, peer_timeout) do not.
#include "runtime/config_digest.hpp"

#include <doctest/doctest.h>

#include "tests/setting_samples.hpp"

using namespace ringtmp;

TEST_CASE("digest: same config same digest; each covered field changes it") {
  const RunConfig base;
  const ConfigDigest d = config_digest(base);
  CHECK(config_digest(RunConfig{}) == d);
  CHECK(short_hex(d).size() == 12);

  std::vector<std::pair<const char*, RunConfig>> changed;
  auto with = [&](const char* name, auto edit) {
    RunConfig c;
    edit(c);
    changed.emplace_back(name, c);
  };
  with("strategy", [](RunConfig& c) { c.strategy = StrategyKind::ring; });
  with("schedule", [](RunConfig& c) { c.schedule = Schedule::gpipe; });
  with("ps_mode", [](RunConfig& c) { c.ps_mode = PsMode::ssp; });
  with("staleness", [](RunConfig& c) { c.staleness = 2; });
  with("servers", [](RunConfig& c) { c.servers = 2; });
  with("nodes", [](RunConfig& c) { c.nodes = 4; });
  with("shard", [](RunConfig& c) { c.shard = ShardMode(1); });
  with("layers", [](RunConfig& c) { c.layers = {784, 10}; });
  with("activation", [](RunConfig& c) { c.activation = Activation::tanh; });
  with("batch", [](RunConfig& c) { c.batch = 32; });
  with("microbatches", [](RunConfig& c) { c.microbatches = 4; });
  with("lr", [](RunConfig& c) { c.lr = std::nextafter(c.lr, 1.0f); });
  with("momentum", [](RunConfig& c) { c.momentum = 0.9f; });
  with("weight_decay", [](RunConfig& c) { c.weight_decay = 1e-4f; });
  with("epochs", [](RunConfig& c) { c.epochs = 2; });
  with("iterations", [](RunConfig& c) { c.iterations = 10; });
  with("eval_every", [](RunConfig& c) { c.eval_every = 5; });
  with("seed", [](RunConfig& c) { c.seed = 2; });
  with("dataset", [](RunConfig& c) { c.dataset = DatasetKind::synthetic; });
  with("synthetic_train", [](RunConfig& c) { c.synthetic_train = 100; });
  with("synthetic_test", [](RunConfig& c) { c.synthetic_test = 100; });
  for (const auto& [name, c] : changed) {
    CAPTURE(name);
    CHECK(config_digest(c) != d);
  }
}

TEST_CASE("digest: per-device fields do not split a cluster") {
  RunConfig c;
  c.data_dir = "/mnt/usb/fashion-mnist";
  c.out = "/tmp/node3";
  c.peer_timeout = 5;
  CHECK(config_digest(c) == config_digest(RunConfig{}));
  CHECK(canonical_config(c).starts_with("ringtmp-config-digest-v2\n"));
}

TEST_CASE("digest: every setting of the table that computes changes it, the others do not") {
  const ConfigDigest d = config_digest(RunConfig{});
  for (const auto& s : setting_table()) {
    CAPTURE(s.key);
    const RunConfig changed = testing::with_other_value(s);
    if (s.computes) CHECK(config_digest(changed) != d);
    else CHECK(config_digest(changed) == d);
  }
}
