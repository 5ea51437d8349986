// The start-up rendezvous: a cluster with a wrong key, another config or crossed peers
// files fails at once on every node with a line that says so; an absent peer fails at the
// start-up timeout with a line that names it and why.
#include <chrono>
#include <future>

#include <doctest/doctest.h>

#include "runtime/mesh.hpp"
#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;
using ringtmp::testing::LogSink;
using ringtmp::testing::test_net_options;

namespace {

struct NodeSpec {
  ClusterKey key;
  ConfigDigest digest;
};

struct StartupResult {
  std::vector<Status> statuses;
  double seconds = 0;
};

// Starts one mesh per spec on free ports and runs every rendezvous at once. `peers_of`
// may give a node a different view of the cluster (crossed peers files).
StartupResult start_cluster(const std::vector<NodeSpec>& specs, NetOptions options,
                            std::function<std::vector<PeerAddress>(int, std::vector<PeerAddress>)> peers_of = {}) {
  std::vector<std::unique_ptr<Mesh>> meshes;
  std::vector<PeerAddress> peers;
  for (int r = 0; r < int(specs.size()); ++r) {
    auto m = Mesh::listen(r, 0, specs[size_t(r)].key, specs[size_t(r)].digest, options);
    REQUIRE(m.ok());
    peers.push_back({"127.0.0.1", (*m)->port()});
    meshes.push_back(std::move(*m));
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Status>> results;
  for (int r = 0; r < int(specs.size()); ++r)
    results.push_back(std::async(std::launch::async, [&, r] {
      return meshes[size_t(r)]->connect(peers_of ? peers_of(r, peers) : peers);
    }));
  StartupResult out;
  for (auto& f : results) out.statuses.push_back(f.get());
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& m : meshes) m->close(Status{});
  return out;
}

bool contains(const Status& s, std::string_view part) { return s.message().find(part) != std::string::npos; }

}  // namespace

TEST_CASE("start-up: a healthy cluster of 5 meets, and closes without a PeerDown") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  auto r = start_cluster(std::vector<NodeSpec>(5, {key, digest}), test_net_options());
  for (const auto& s : r.statuses) CHECK(s.ok());
  CHECK(r.seconds < 2);
}

TEST_CASE("start-up: a wrong key ends both nodes at once with an authentication error") {
  const ConfigDigest digest = config_digest(RunConfig{});
  auto r = start_cluster({{generate_cluster_key(), digest}, {generate_cluster_key(), digest}}, test_net_options());
  CAPTURE(r.statuses[0].message());
  CAPTURE(r.statuses[1].message());
  CHECK(contains(r.statuses[0], "rank 0: connection from 127.0.0.1:"));
  CHECK(contains(r.statuses[0], "(claims rank 1): authentication failed: its hello is not tagged under our cluster key"));
  CHECK(contains(r.statuses[1], "rank 1: peer 0 (127.0.0.1:"));
  CHECK(contains(r.statuses[1], "authentication failed: its hello is not tagged under our cluster key (different key files?)"));
  CHECK(r.seconds < 2);  // the start-up timeout is 10 s: nobody waited it out
}

TEST_CASE("start-up: one node with a wrong key stops a cluster of 3 at once") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  auto r = start_cluster({{key, digest}, {key, digest}, {generate_cluster_key(), digest}}, test_net_options());
  for (const auto& s : r.statuses) {
    CAPTURE(s.message());
    CHECK(!s.ok());
  }
  CHECK(contains(r.statuses[2], "authentication failed"));
  CHECK(r.seconds < 2);
}

TEST_CASE("start-up: another config is refused by both sides, naming the mismatch") {
  const ClusterKey key = generate_cluster_key();
  RunConfig other;
  other.seed = 99;
  auto r = start_cluster({{key, config_digest(RunConfig{})}, {key, config_digest(other)}}, test_net_options());
  for (const auto& s : r.statuses) {
    CAPTURE(s.message());
    CHECK(contains(s, "config mismatch: peer "));
    CHECK(contains(s, "every node must use the same config"));
  }
  CHECK(contains(r.statuses[1], fmt::format("this node runs {}", short_hex(config_digest(other)))));
  CHECK(r.seconds < 2);
}

TEST_CASE("start-up: crossed peers files are refused with the ranks each side sees") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  // Rank 2's file swaps ranks 0 and 1 (its own line is right). Rank 2 and whichever node it
  // reaches first fail at once; a node that only hears of it indirectly may wait for the
  // start-up timeout (a peer that went away during start-up may yet come back).
  NetOptions o = test_net_options();
  o.startup_timeout = 1.5;
  o.log = [](const std::string&) {};
  auto r = start_cluster(std::vector<NodeSpec>(3, {key, digest}), o, [](int rank, std::vector<PeerAddress> p) {
    if (rank == 2) std::swap(p[0], p[1]);
    return p;
  });
  for (const auto& s : r.statuses) {
    CAPTURE(s.message());
    CHECK(!s.ok());
  }
  CHECK(contains(r.statuses[2], "says it is rank"));
  CHECK(contains(r.statuses[2], "but the peers file lists rank"));
  CHECK(r.seconds < 3);
}

TEST_CASE("start-up: an absent peer fails at the timeout, named with the reason") {
  NetOptions o = test_net_options();
  o.startup_timeout = 0.5;
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  uint16_t closed_port = 0;
  {
    auto gone = Mesh::listen(0, 0, key, digest, o);  // a port that was free and is free again
    REQUIRE(gone.ok());
    closed_port = (*gone)->port();
  }
  auto rank1 = Mesh::listen(1, 0, key, digest, o);
  REQUIRE(rank1.ok());
  const auto start = std::chrono::steady_clock::now();
  Status s = (*rank1)->connect({{"127.0.0.1", closed_port}, {"127.0.0.1", (*rank1)->port()}});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(s.message() == fmt::format("rank 1: start-up timed out after 0.5 s; not connected: peer 0 "
                                   "(127.0.0.1:{}): unreachable (Connection refused)", closed_port));
  CHECK(seconds >= 0.5);
  CHECK(seconds < 1.5);

  auto rank0 = Mesh::listen(0, 0, key, digest, o);
  REQUIRE(rank0.ok());
  s = (*rank0)->connect({{"127.0.0.1", (*rank0)->port()}, {"127.0.0.1", closed_port}});
  CHECK(s.message() == fmt::format("rank 0: start-up timed out after 0.5 s; not connected: peer 1 "
                                   "(127.0.0.1:{}): never called (higher ranks call lower ones)", closed_port));
}

TEST_CASE("start-up: a peers list that does not match the node's own port is refused") {
  const ClusterKey key = generate_cluster_key();
  auto m = Mesh::listen(0, 0, key, config_digest(RunConfig{}), test_net_options());
  REQUIRE(m.ok());
  Status s = (*m)->connect({{"127.0.0.1", 1}, {"127.0.0.1", 2}});
  CHECK(s.message() == fmt::format("the peers list puts rank 0 at 127.0.0.1:1, but it listens on port {}", (*m)->port()));
}
