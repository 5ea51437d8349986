// Real-socket faults during a run of 4 TcpTransports on loopback:
// - a node killed mid-run (sockets closed, no goodbye: SIGKILL) or frozen (nothing read or
//   sent, sockets open: SIGSTOP, a hung host) is declared down within the heartbeat timeout,
//   never a hang: the survivors heal it (all-reduce, a parameter server's worker) or stop
//   with PeerDown (the ring, a parameter server's server);
// - a stranger hammering a node's port with garbage, lying lengths, bad tags, wrong ranks,
//   another config or silence is dropped and logged, and the run ends with the same result.
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <random>

#include <doctest/doctest.h>
#include <fmt/ranges.h>

#include "tests/runtime/raw_peer.hpp"
#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;

namespace {

// Node `victim` dies at its `after`-th compute, the way `how` says.
enum class Death { kill, freeze };
class DyingTcp : public ForwardingTransport<TcpTransport> {
 public:
  DyingTcp(TcpTransport& inner, int victim, int after, Death how)
      : ForwardingTransport(inner), victim_(victim), after_(after), how_(how) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (rank() == victim_ && ++calls_ == after_) {
      how_ == Death::kill ? inner_.kill() : inner_.freeze();
      throw std::runtime_error(how_ == Death::kill ? "killed by the test" : "frozen by the test");
    }
    inner_.compute(flops, std::forward<Fn>(fn));
  }

 private:
  int victim_, after_, calls_ = 0;
  Death how_;
};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// A run over loopback TCP whose `victim` dies at its 9th compute, seen dead after 1 s of
// silence (heartbeats every 0.1 s); the run must complete.
RunResult healed_tcp_run(const RunConfig& c, int victim, Death how = Death::kill) {
  NetOptions o = test_net_options();
  o.heartbeat_interval = 0.1;
  o.silence_timeout = 1.0;
  o.log = [](const std::string&) {};
  auto run = run_tcp(c, small_data(), o, [&](TcpTransport& t) { return DyingTcp(t, victim, 9, how); });
  REQUIRE_MESSAGE(run.result.ok(), run.result.status().message());
  return std::move(*run.result);
}

}  // namespace

// A ring without shadows and a parameter server with one worker: deaths they do not heal, to
// watch detection alone.
RunConfig unhealed_ring() {
  RunConfig c = small_cluster_config(StrategyKind::ring);
  c.replica_every = 0;
  return c;
}
RunConfig unhealed_ps() {
  RunConfig c = small_cluster_config(StrategyKind::ps);
  c.nodes = 1;  // rank 0 the worker, 1 and 2 the servers
  return c;
}

TEST_CASE("faults: a killed node makes every other stop with PeerDown at once (deaths not healed)") {
  for (auto [c, victim] : {std::pair{unhealed_ring(), 2}, std::pair{unhealed_ps(), 0}}) {
    CAPTURE(to_string(c.strategy));
    NetOptions o = test_net_options();
    o.silence_timeout = 5;  // the end of stream is noticed long before any heartbeat timeout
    o.log = [](const std::string&) {};
    const auto start = std::chrono::steady_clock::now();
    auto run = run_tcp(c, small_data(), o,
                       [victim](TcpTransport& t) { return DyingTcp(t, victim, 7, Death::kill); });
    const double seconds = seconds_since(start);
    REQUIRE(!run.result.ok());
    const std::string& msg = run.result.status().message();
    CAPTURE(msg);
    CHECK(msg.find(fmt::format("node {}: killed by the test", victim)) != std::string::npos);
    CHECK(msg.find(fmt::format("peer {} is down (connection", victim)) != std::string::npos);
    CHECK(seconds < 3);
  }
}

TEST_CASE("faults: the ring, all-reduce and a parameter server (workers and servers) carry on over real sockets when "
          "a node is killed or frozen, with the fault-free trace") {
  // The ring twice: refreshed every iteration, and with snapshots every 3 (rolled back).
  for (auto [strategy, replica_every] : {std::pair{StrategyKind::ring, 1}, std::pair{StrategyKind::ring, 3},
                                         std::pair{StrategyKind::allreduce, 1}, std::pair{StrategyKind::ps, 1}}) {
    RunConfig c = small_cluster_config(strategy);
    c.replica_every = replica_every;
    c.server_replicas = strategy == StrategyKind::ps ? 1 : 0;  // a server's momentum survives it
    auto reference = run_inproc(c, small_data());
    REQUIRE(reference.ok());
    const std::vector<int> victims =
        strategy == StrategyKind::ps ? std::vector<int>{0, 2, 3, 4, 5} : std::vector<int>{0, 2, 3};
    for (Death how : {Death::kill, Death::freeze})
      for (int victim : victims) {
        CAPTURE(to_string(strategy));
        CAPTURE(replica_every);
        CAPTURE(victim);
        CAPTURE(how == Death::kill);
        const RunResult run = healed_tcp_run(c, victim, how);
        REQUIRE(run.trace.size() == reference->trace.size());
        for (size_t i = 0; i < reference->trace.size(); ++i)
          CHECK(run.trace[i].loss == reference->trace[i].loss);
        REQUIRE(run.failures.size() == 1);
        CHECK(run.failures[0].node == victim);
      }
  }
}

TEST_CASE("faults: an asynchronous parameter server carries on over real sockets when a worker or a server is "
          "killed, and keeps learning") {
  for (auto [mode, staleness] : {std::pair{PsMode::asp, 0}, std::pair{PsMode::ssp, 1}})
    for (int victim : {0, 3, 4}) {
      RunConfig c = small_cluster_config(StrategyKind::ps);
      c.ps_mode = mode;
      c.staleness = staleness;
      c.momentum = 0.0f;  // each asynchronous update is a whole step: with momentum 0.9 this run diverges fault-free
      CAPTURE(to_string(mode));
      CAPTURE(victim);
      const RunResult run = healed_tcp_run(c, victim);
      REQUIRE(run.trace.size() == size_t(c.iterations));
      for (const auto& r : run.trace) CHECK(std::isfinite(r.loss));
      CHECK(run.trace.back().loss < run.trace.front().loss);
      REQUIRE(run.failures.size() == 1);
      CHECK(run.failures[0].node == victim);
    }
}

TEST_CASE("faults: an async ring carries on over real sockets when its first, a middle or its last stage is killed, "
          "and keeps learning") {
  RunConfig c = small_cluster_config(StrategyKind::ring);
  c.schedule = Schedule::async;
  c.momentum = 0.0f;  // one step per micro-batch: with momentum 0.9 this small run is noisy fault-free
  for (int victim : {0, 2, 3}) {
    CAPTURE(victim);
    const RunResult run = healed_tcp_run(c, victim);
    REQUIRE(run.trace.size() == size_t(c.iterations));
    for (size_t i = 0; i < run.trace.size(); ++i) {
      CHECK(run.trace[i].iteration == int64_t(i) + 1);
      CHECK(std::isfinite(run.trace[i].loss));
    }
    CHECK(run.trace.back().loss < run.trace.front().loss);
    REQUIRE(run.failures.size() == 1);
    CHECK(run.failures[0].node == victim);
  }
}

TEST_CASE("faults: a frozen node is declared down by heartbeat timeout") {
  NetOptions o = test_net_options();
  o.heartbeat_interval = 0.1;
  o.silence_timeout = 1.0;
  o.log = [](const std::string&) {};
  const auto start = std::chrono::steady_clock::now();
  auto run = run_tcp(unhealed_ring(), small_data(), o, [](TcpTransport& t) { return DyingTcp(t, 2, 7, Death::freeze); });
  const double seconds = seconds_since(start);
  REQUIRE(!run.result.ok());
  const std::string& msg = run.result.status().message();
  CAPTURE(msg);
  CHECK(msg.find("node 2: frozen by the test") != std::string::npos);
  CHECK(msg.find("peer 2 is down (silent for ") != std::string::npos);
  CHECK(seconds >= 1.0);
  CHECK(seconds < 4.0);  // far below the 10 s peer timeout
}

namespace {

// Holds rank 1 at its 5th compute until the stranger has finished, so that every hostile
// connection lands mid-run.
struct Gate {
  std::mutex mu;
  std::condition_variable cv;
  bool running = false, hostile_done = false;
};

class GatedTcp : public ForwardingTransport<TcpTransport> {
 public:
  GatedTcp(TcpTransport& inner, Gate& gate) : ForwardingTransport(inner), gate_(gate) {}
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (rank() == 1 && ++calls_ == 5) {
      std::unique_lock lock(gate_.mu);
      gate_.running = true;
      gate_.cv.notify_all();
      gate_.cv.wait(lock, [&] { return gate_.hostile_done; });
    }
    inner_.compute(flops, std::forward<Fn>(fn));
  }

 private:
  Gate& gate_;
  int calls_ = 0;
};

// Everything a stranger (or a confused key holder) can throw at a port. Returns how many
// of its connections the node hung up on.
int attack(uint16_t port, const ClusterKey& key, const ConfigDigest& digest) {
  int hung_up = 0;
  std::mt19937 rng(1);
  std::vector<uint8_t> noise(4096);
  for (auto& b : noise) b = uint8_t(rng());
  {  // random bytes
    RawPeer p(port);
    p.write(noise);
    hung_up += p.hung_up();
  }
  {  // a hello announcing 4 GiB, and a data frame before any handshake
    RawPeer p(port), q(port);
    p.write(lying_header(FrameType::hello, 0xffffffffu));
    q.write(lying_header(FrameType::data, 100u << 20));
    hung_up += p.hung_up() + q.hung_up();
  }
  {  // a hello with a bad tag (another key), claiming a real rank
    RawPeer p(port);
    hung_up += !p.handshake(generate_cluster_key(), 3, 1, 4, digest) && p.hung_up();
  }
  {  // the right key, but a rank that does not exist / that is already connected
    RawPeer p(port), q(port);
    p.handshake(key, 99, 1, 4, digest);
    q.handshake(key, 2, 1, 4, digest);
    hung_up += p.hung_up() + q.hung_up();
  }
  {  // the right key and another config
    RawPeer p(port);
    RunConfig other;
    other.lr = 0.5f;
    p.handshake(key, 3, 1, 4, config_digest(other));
    hung_up += p.hung_up();
  }
  {  // says nothing at all: the handshake timeout (1 s) ends it
    RawPeer p(port);
    hung_up += p.hung_up(3);
  }
  return hung_up;
}

}  // namespace

TEST_CASE("faults: hostile traffic on a node's port mid-run is dropped, logged, and changes nothing") {
  const RunConfig c = small_cluster_config(StrategyKind::ring);
  auto reference = run_inproc(c, small_data());
  REQUIRE(reference.ok());

  LogSink logs;
  NetOptions o = test_net_options();
  o.log = logs.fn();
  Gate gate;
  std::thread stranger;
  std::atomic<int> hung_up{0};
  // The stranger is handed the cluster key too, for the cases of a confused key holder
  // (wrong rank, duplicate rank, other config).
  auto on_ports = [&](const std::vector<uint16_t>& ports, const ClusterKey& key) {
    stranger = std::thread([&, port = ports[1], key] {
      std::unique_lock lock(gate.mu);
      gate.cv.wait(lock, [&] { return gate.running; });
      lock.unlock();
      hung_up = attack(port, key, config_digest(c));
      lock.lock();
      gate.hostile_done = true;
      gate.cv.notify_all();
    });
  };
  auto run = run_tcp(c, small_data(), o, [&](TcpTransport& t) { return GatedTcp(t, gate); }, on_ports);
  stranger.join();
  INFO((run.result.ok() ? std::string("ok") : run.result.status().message()));
  REQUIRE(run.result.ok());
  CHECK(hung_up.load() == 8);
  REQUIRE(run.result->trace.size() == reference->trace.size());
  for (size_t i = 0; i < reference->trace.size(); ++i)
    CHECK(run.result->trace[i].loss == doctest::Approx(reference->trace[i].loss).epsilon(1e-5));

  CAPTURE(fmt::format("{}", fmt::join(logs.lines(), "\n")));
  CHECK(logs.count("rank 1: dropped a connection from 127.0.0.1:") == 8);
  CHECK(logs.count("bad magic") == 1);
  CHECK(logs.count("hello body of 4294967295 bytes, expected 84") == 1);
  CHECK(logs.count("data frame before the handshake") == 1);
  CHECK(logs.count("authentication failed") == 1);
  CHECK(logs.count("(claims rank 99)") == 1);
  CHECK(logs.count("rank 2 is already connected or gone") == 1);
  CHECK(logs.count("config mismatch") == 1);
  CHECK(logs.count("handshake timed out after 1 s") == 1);
  CHECK(logs.count("is down") == 0);
}
