// Failure detection in the simulator (sim/sim_network.hpp): a host turned off is declared
// dead by its peers when the runtime's heartbeat timeout would notice it (its last
// heartbeat plus --failure-timeout), not when it went off, and what it had put before still
// arrives first; a node that gives up with an error (SimNetwork::fail) is reported at once.
#include "sim/sim_network.hpp"

#include <vector>

#include <doctest/doctest.h>
#include <fmt/format.h>

#include "tests/sim/sim_nodes.hpp"
#include "tests/transport/transport_contract.hpp"

using namespace ringtmp;
using ringtmp::testing::numbered;
using ringtmp::testing::pass_time;
using ringtmp::testing::read_numbered;

TEST_CASE("FailureDetection: the last heartbeat before the silence plus the timeout") {
  const sim::FailureDetection d{0.4, 1.0};
  CHECK(d.last_heartbeat(3.8) == doctest::Approx(3.6));
  CHECK(d.detected_at(3.8) == doctest::Approx(4.6));
  CHECK(d.detected_at(0.05) == doctest::Approx(1.0));
  const auto defaults = sim::failure_detection(RunConfig{});
  CHECK(defaults.detected_at(120) == doctest::Approx(122.5));  // kill:R@120 seen at 122.5 s
}

TEST_CASE("a host turned off is seen down at the detection time, after its messages; a failed node at once") {
  // Rank 2 gives up with an error at 1 s; rank 3 sends to every survivor at 0 s and at
  // 3.7 s, and its host goes off at 3.8 s: with heartbeats every 0.4 s and a 1 s timeout,
  // its last heartbeat was at 3.6 s, so the survivors declare it dead at 4.6 s.
  constexpr double kFailAt = 1.0, kOffAt = 3.8, kDetectedAt = 4.6;
  const sim::FailureDetection detection{0.4, 1.0};
  auto broken = testing::run_sim_nodes(4, [&](sim::SimTransport& t, sim::SimNetwork& net, std::vector<std::string>& broken) {
    const int r = t.rank();
    auto expect = [&](bool ok, std::string what) {
      if (!ok) broken.push_back(fmt::format("rank {}: {}", r, what));
    };
    if (r == 2) {
      pass_time(t, kFailAt);
      net.fail(2, "gave up");
      return;
    }
    if (r == 3) {
      for (int to : {0, 1, 2}) t.send(to, numbered(1, 3));
      pass_time(t, kOffAt - 0.1);
      for (int to : {0, 1}) t.send(to, numbered(2, 3));
      pass_time(t, 0.1);  // the message is in the survivors' mailboxes by now (1 ms per hop)
      net.host(3)->turn_off();  // kills this actor: the call does not return
      return;
    }
    std::vector<int> from_3;
    double down_2 = -1, down_3 = -1;
    while (down_2 < 0 || down_3 < 0) {
      Event e = t.recv(100);
      if (auto* m = std::get_if<Received>(&e)) {
        expect(m->from == 3 && down_3 < 0, fmt::format("a message from {} at {:g} s", m->from, t.now()));
        from_3.push_back(int(read_numbered(m->message).seq));
      } else if (auto* d = std::get_if<PeerDown>(&e)) {
        (d->rank == 2 ? down_2 : down_3) = t.now();
        if (d->rank == 3)
          expect(d->reason.find("silent since its heartbeat at 3.6 s, declared dead at 4.6 s") != std::string::npos,
                 "PeerDown(3) says: " + d->reason);
      } else {
        expect(false, fmt::format("Timeout at {:g} s", t.now()));
        return;
      }
    }
    expect(from_3 == std::vector<int>{1, 2}, fmt::format("from rank 3: {} messages", from_3.size()));
    // A PeerDown is a wake-up a survivor's host puts into its own mailbox: it takes the
    // platform's route from the host to itself (through the switch: 2 ms here).
    auto at = [](double seen, double expected) { return seen >= expected && seen <= expected + 0.0021; };
    expect(at(down_2, kFailAt), fmt::format("PeerDown(2) at {:.9g} s, not at once ({:g} s)", down_2, kFailAt));
    expect(at(down_3, kDetectedAt),
           fmt::format("PeerDown(3) at {:.9g} s, not at detection ({:g} s; off at {:g} s)", down_3, kDetectedAt, kOffAt));
  }, detection);
  for (const auto& line : broken) MESSAGE(line);
  CHECK(broken.empty());
}

TEST_CASE("a detection still to come when every node has ended does not run the clock on") {
  // Rank 2's host goes off at 0.5 s (detection due at 2.5 s); the others end at 1 s.
  auto broken = testing::run_sim_nodes(3, [](sim::SimTransport& t, sim::SimNetwork& net, std::vector<std::string>& broken) {
    if (t.rank() == 2) {
      pass_time(t, 0.5);
      net.host(2)->turn_off();
      return;
    }
    if (t.rank() == 0)
      simgrid::s4u::Engine::on_simulation_end_cb([&broken] {
        const double end = simgrid::s4u::Engine::get_clock();
        if (end > 1.001) broken.push_back(fmt::format("the simulation ended at {:g} s, not at 1 s", end));
      });
    pass_time(t, 1.0);
  });
  for (const auto& line : broken) MESSAGE(line);
  CHECK(broken.empty());
}
