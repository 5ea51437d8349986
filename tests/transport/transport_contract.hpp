#pragma once
// The Transport contract (core/transport/transport.hpp) as small node programs that run
// unchanged on every backend, as leveldb runs one suite over each Env. A scenario is a struct
// with the cluster's size (`nodes`) and a node program templated over a ContractNode; a
// backend fixture (transport_contract_test.cpp) runs it on every rank of a fresh cluster and
// returns the expectations that broke. Programs run on threads, or in a simulation inside a
// child process, so they record what broke instead of asserting.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/transport/transport.hpp"

namespace ringtmp::testing {

// Waiting for what the contract says will come: far longer than any backend needs, so only
// a broken backend waits it out (a simulated wait costs no wall time).
inline constexpr double kPatience = 10;
// Listening for what must not come: longer than a broken backend takes to show it.
inline constexpr double kQuiet = 0.3;

// A node program's view: its transport, the backend's failure hook for this node, and where
// broken expectations go.
template <class T>
class ContractNode {
 public:
  // clock_slack: how late past its timeout a Timeout may come (0 on a simulated clock,
  // scheduling noise on a real one).
  ContractNode(T& t, std::function<void()> fail, double clock_slack, std::vector<std::string>& broken)
      : t(t), slack(clock_slack), fail_(std::move(fail)), broken_(broken) {}

  T& t;
  const double slack;

  int rank() const { return t.rank(); }
  // Makes this node fail the backend's way. Does not return where that kills the caller
  // (a simulated host turned off).
  void fail() { fail_(); }

  void expect(bool ok, std::string_view what) {
    if (!ok) broken_.push_back(fmt::format("rank {}: {}", t.rank(), what));
  }
  // t.recv, and how long it took on the node's clock.
  Event recv(double timeout_s, double& took) {
    const double start = t.now();
    Event e = t.recv(timeout_s);
    took = t.now() - start;
    return e;
  }
  // The next event, which must be a message; anything else is recorded as broken.
  std::optional<Received> message(std::string_view awaited, double timeout_s = kPatience) {
    Event e = t.recv(timeout_s);
    if (auto* r = std::get_if<Received>(&e)) return std::move(*r);
    if (auto* d = std::get_if<PeerDown>(&e))
      expect(false, fmt::format("PeerDown({}) while waiting for {}", d->rank, awaited));
    else
      expect(false, fmt::format("Timeout after {:g} s while waiting for {}", timeout_s, awaited));
    return std::nullopt;
  }

 private:
  std::function<void()> fail_;
  std::vector<std::string>& broken_;
};

// Runs a node program, turning an exception into a broken expectation.
template <class T, class Program>
void run_contract_node(ContractNode<T>& n, const Program& program) {
  try {
    program(n);
  } catch (const std::exception& e) {
    n.expect(false, fmt::format("threw: {}", e.what()));
  }
}

// A numbered test message: a ReduceChunk whose iteration is `seq`, chunk the rank that sent
// it, step a scenario's mark, and `floats` values that depend on seq and position (exact in
// float), so a torn, mixed-up or truncated body shows.
inline float pattern(int64_t seq, size_t i) {
  return float((uint64_t(seq) * 2654435761u + i * 40503u) % 1000003u) * 0.25f;
}
inline Message numbered(int64_t seq, int sender, int mark = 0, size_t floats = 0) {
  FloatBuffer values(floats);
  for (size_t i = 0; i < floats; ++i) values[i] = pattern(seq, i);
  return Message{ReduceChunk{.iteration = seq, .step = mark, .chunk = sender, .values = std::move(values)}};
}
struct Numbered {
  int64_t seq = -1;
  int sender = -1, mark = -1;
  size_t floats = 0;
  bool intact = false;
};
inline Numbered read_numbered(const Message& m) {
  auto* c = std::get_if<ReduceChunk>(&m.payload);
  if (!c) return {};
  bool intact = true;
  intact = c->values.has_values();
  for (size_t i = 0; i < c->values.size() && intact; ++i) intact = c->values.values()[i] == pattern(c->iteration, i);
  return {c->iteration, c->chunk, c->step, c->values.size(), intact};
}

// Lets about `seconds` pass on every clock: simulated time on a 1 GFLOP/s host, real time
// in the real backends.
template <class T>
void pass_time(T& t, double seconds) {
  t.compute(int64_t(seconds * 1e9), [seconds] { std::this_thread::sleep_for(std::chrono::duration<double>(seconds)); });
}

}  // namespace ringtmp::testing
