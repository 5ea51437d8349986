#include "runtime/config_digest.hpp"

#include <bit>

#include <sodium.h>

namespace ringtmp {

namespace {

std::string bits(float v) { return fmt::format("{:08x}", std::bit_cast<uint32_t>(v)); }

}  // namespace

std::string canonical_config(const RunConfig& c) {
  // Version line first: a change of this format changes every digest on purpose.
  std::string s = "ringtmp-config-digest-v1\n";
  auto line = [&s](std::string_view key, const auto& value) {
    s += fmt::format("{}={}\n", key, value);
  };
  line("strategy", to_string(c.strategy));
  line("schedule", to_string(c.schedule));
  line("ps-mode", to_string(c.ps_mode));
  line("staleness", c.staleness);
  line("servers", c.servers);
  line("nodes", c.nodes);
  line("shard", to_string(c.shard));
  line("layers", join_ints(c.layers));
  line("activation", to_string(c.activation));
  line("batch", c.batch);
  line("microbatches", c.microbatches);
  line("lr", bits(c.lr));
  line("momentum", bits(c.momentum));
  line("weight-decay", bits(c.weight_decay));
  line("epochs", c.epochs);
  line("iterations", c.iterations);
  line("eval-every", c.eval_every);
  line("seed", c.seed);
  line("dataset", to_string(c.dataset));
  line("synthetic-train", c.synthetic_train);
  line("synthetic-test", c.synthetic_test);
  return s;
}

ConfigDigest config_digest(const RunConfig& c) {
  const std::string text = canonical_config(c);
  ConfigDigest d;
  crypto_hash_sha256(d.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  return d;
}

std::string short_hex(const ConfigDigest& d, int digits) {
  std::string s;
  for (int i = 0; i < digits && i / 2 < int(d.size()); ++i)
    s += fmt::format("{:x}", i % 2 == 0 ? d[i / 2] >> 4 : d[i / 2] & 15);
  return s;
}

}  // namespace ringtmp
