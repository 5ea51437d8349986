// The reference for bench/sim_scale.sh: a bare SimGrid token ring on the same platform the
// scale benchmark simulates (N pi4b on ethernet-1g, built by ringtmp's platform builder),
// with nothing of ringtmp's on top. Each actor receives the token from its predecessor and
// sends it to its successor; prints messages simulated per wall second.
// Usage: simgrid_token_ring [nodes=1024] [rounds=100] [bytes=1024]
#include <chrono>
#include <cstdlib>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/engine.hpp"
#include "sim/platform.hpp"

namespace s4u = simgrid::s4u;

int main(int argc, char** argv) {
  const int nodes = argc > 1 ? std::atoi(argv[1]) : 1024;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 100;
  const uint64_t bytes = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1024;
  auto engine = ringtmp::sim::start_engine({});
  ringtmp::RunConfig c;
  c.device = "pi4b";
  c.network = "ethernet-1g";
  auto platform = ringtmp::sim::build_platform(c, nodes, ringtmp::default_platforms_dir());
  if (!platform.ok()) {
    fmt::print(stderr, "simgrid_token_ring: {}\n", platform.status().message());
    return 1;
  }
  static int token = 0;
  for (int r = 0; r < nodes; ++r) {
    s4u::Actor::create(fmt::format("node-{}", r), platform->hosts[r], [r, nodes, rounds, bytes] {
      auto* in = s4u::Mailbox::by_name(fmt::format("ring-{}", r));
      auto* out = s4u::Mailbox::by_name(fmt::format("ring-{}", (r + 1) % nodes));
      for (int i = 0; i < rounds; ++i) {
        if (r != 0 || i > 0) in->get<int>();
        out->put(&token, bytes);
      }
      if (r == 0) in->get<int>();
    });
  }
  const auto start = std::chrono::steady_clock::now();
  engine->run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double messages = double(nodes) * rounds;
  fmt::print("token ring: {} nodes x {} rounds = {:.0f} messages in {:.2f} s wall ({:.2f} s simulated): {:.0f} messages/s\n",
             nodes, rounds, messages, wall, s4u::Engine::get_clock(), messages / wall);
  return 0;
}
