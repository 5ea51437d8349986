// The references for bench/sim_scale.sh: bare SimGrid on the platform the scale benchmark
// simulates (N pi4b on ethernet-1g, built by ringtmp's platform builder), with nothing of
// ringtmp's on top. Prints messages simulated per wall second.
//   ring: the classic token ring, one message in flight: each actor receives the token
//         from its predecessor and sends it to its successor.
//   star: the parameter server's pattern: every round, N-1 workers each put `bytes` to
//         rank N-1, which takes them all and puts `bytes` back to each (many concurrent
//         flows into one link, as in ps bsp).
// Usage: simgrid_bare ring|star [nodes=1024] [rounds=100] [bytes=1024]
#include <chrono>
#include <cstdlib>
#include <string>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "sim/engine.hpp"
#include "sim/platform.hpp"

namespace s4u = simgrid::s4u;

namespace {

int token = 0;

void ring_actor(int r, int nodes, int rounds, uint64_t bytes) {
  auto* in = s4u::Mailbox::by_name(fmt::format("in-{}", r));
  auto* out = s4u::Mailbox::by_name(fmt::format("in-{}", (r + 1) % nodes));
  for (int i = 0; i < rounds; ++i) {
    if (r != 0 || i > 0) in->get<int>();
    out->put(&token, bytes);
  }
  if (r == 0) in->get<int>();
}

void star_actor(int r, int nodes, int rounds, uint64_t bytes) {
  const int server = nodes - 1;
  auto* in = s4u::Mailbox::by_name(fmt::format("in-{}", r));
  for (int i = 0; i < rounds; ++i) {
    if (r == server) {
      for (int w = 0; w < server; ++w) in->get<int>();
      for (int w = 0; w < server; ++w) s4u::Mailbox::by_name(fmt::format("in-{}", w))->put_init(&token, bytes)->detach();
    } else {
      s4u::Mailbox::by_name(fmt::format("in-{}", server))->put_init(&token, bytes)->detach();
      in->get<int>();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "ring";
  const int nodes = argc > 2 ? std::atoi(argv[2]) : 1024;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 100;
  const uint64_t bytes = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 1024;
  if ((mode != "ring" && mode != "star") || nodes < 2 || rounds < 1) {
    fmt::print(stderr, "usage: simgrid_bare ring|star [nodes>=2] [rounds>=1] [bytes]\n");
    return 2;
  }
  auto engine = ringtmp::sim::start_engine({});
  ringtmp::RunConfig c;
  c.device = "pi4b";
  c.network = "ethernet-1g";
  auto platform = ringtmp::sim::build_platform(c, nodes, ringtmp::default_platforms_dir());
  if (!platform.ok()) {
    fmt::print(stderr, "simgrid_bare: {}\n", platform.status().message());
    return 1;
  }
  for (int r = 0; r < nodes; ++r) {
    auto actor = s4u::Actor::create(fmt::format("node-{}", r), platform->hosts[r],
                                    mode == "ring" ? ring_actor : star_actor, r, nodes, rounds, bytes);
    s4u::Mailbox::by_name(fmt::format("in-{}", r))->set_receiver(actor);  // eager, as ringtmp's
  }
  const auto start = std::chrono::steady_clock::now();
  engine->run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double messages = mode == "ring" ? double(nodes) * rounds : 2.0 * (nodes - 1) * rounds;
  fmt::print("bare {}: {} nodes x {} rounds = {:.0f} messages in {:.2f} s wall ({:.2f} s simulated): {:.0f} messages/s\n",
             mode, nodes, rounds, messages, wall, s4u::Engine::get_clock(), messages / wall);
  return 0;
}
