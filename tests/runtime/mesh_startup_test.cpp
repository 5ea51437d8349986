// The start-up rendezvous: a cluster with a wrong key, another config or crossed peers
// files fails at once on every node with a line that says so; an absent peer fails at the
// start-up timeout with a line that names it and why.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <thread>

#include <doctest/doctest.h>
#include <fmt/ranges.h>

#include "runtime/mesh.hpp"
#include "tests/runtime/raw_peer.hpp"
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

TEST_CASE("start-up: a wrong key ends the dialing node at once; the node it called names it at its timeout") {
  // The called node cannot tell a misconfigured peer from a stranger who claims its rank
  // (neither holds the key), so it keeps waiting for the real one.
  const ConfigDigest digest = config_digest(RunConfig{});
  NetOptions o = test_net_options();
  o.startup_timeout = 1.5;
  o.log = [](const std::string&) {};
  auto r = start_cluster({{generate_cluster_key(), digest}, {generate_cluster_key(), digest}}, o);
  CAPTURE(r.statuses[0].message());
  CAPTURE(r.statuses[1].message());
  CHECK(contains(r.statuses[0], "rank 0: start-up timed out after 1.5 s (--startup-timeout); not connected: peer 1 (127.0.0.1:"));
  CHECK(contains(r.statuses[0], "never connected; a caller claiming to be it failed: authentication failed: its hello "
                                "is not tagged under our cluster key (different key files?)"));
  CHECK(contains(r.statuses[1], "rank 1: peer 0 (127.0.0.1:"));
  CHECK(contains(r.statuses[1], "authentication failed: its hello is not tagged under our cluster key (different key files?)"));
  CHECK(r.seconds < 3);
}

TEST_CASE("start-up: one node with a wrong key stops a cluster of 3: itself at once, the others at their timeout") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  NetOptions o = test_net_options();
  o.startup_timeout = 1.5;
  o.log = [](const std::string&) {};
  auto r = start_cluster({{key, digest}, {key, digest}, {generate_cluster_key(), digest}}, o);
  CAPTURE(r.statuses[0].message());
  CAPTURE(r.statuses[1].message());
  CAPTURE(r.statuses[2].message());
  // Node 2 calls nodes 0 and 1 and stops at the first refusal; whether its call to the
  // other got there first is the scheduler's choice (on a loaded machine it often does
  // not, and that node times out with peer 2 never connected). Either way the two name
  // peer 2, and at least one of them saw its hello refused.
  CHECK(contains(r.statuses[2], "authentication failed"));
  CHECK(contains(r.statuses[0], "peer 2 (127.0.0.1:"));
  CHECK(contains(r.statuses[1], "peer 2 (127.0.0.1:"));
  CHECK((contains(r.statuses[0], "authentication failed") || contains(r.statuses[1], "authentication failed")));
  CHECK(r.seconds < 3);
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
  CHECK(s.message() == fmt::format("rank 1: start-up timed out after 0.5 s (--startup-timeout); not connected: peer 0 "
                                   "(127.0.0.1:{}): nothing listens there (connection refused: is its node started, "
                                   "on that port?)", closed_port));
  CHECK(seconds >= 0.5);
  CHECK(seconds < 1.5);

  auto rank0 = Mesh::listen(0, 0, key, digest, o);
  REQUIRE(rank0.ok());
  s = (*rank0)->connect({{"127.0.0.1", (*rank0)->port()}, {"127.0.0.1", closed_port}});
  CHECK(s.message() == fmt::format("rank 0: start-up timed out after 0.5 s (--startup-timeout); not connected: peer 1 "
                                   "(127.0.0.1:{}): never connected (higher ranks call lower ones: is its node "
                                   "started, with this node's address in its peers file?)", closed_port));
}

TEST_CASE("start-up: a peers list that does not match the node's own port is refused") {
  const ClusterKey key = generate_cluster_key();
  auto m = Mesh::listen(0, 0, key, config_digest(RunConfig{}), test_net_options());
  REQUIRE(m.ok());
  Status s = (*m)->connect({{"127.0.0.1", 1}, {"127.0.0.1", 2}});
  CHECK(s.message() == fmt::format("the peers list puts rank 0 at 127.0.0.1:1, but it listens on port {}", (*m)->port()));
}

namespace {

// Opens idle connections to `port` (connect, then say nothing) until `stop`, one every
// `gap_s`, holding the newest `keep` open: a stranger trying to crowd a node's port.
class IdleFlood {
 public:
  IdleFlood(uint16_t port, int keep, double gap_s) {
    thread_ = std::thread([=, this] {
      std::deque<int> open;
      while (!stop_) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) ++opened_;
        open.push_back(fd);
        if (int(open.size()) > keep) {
          ::close(open.front());
          open.pop_front();
        }
        std::this_thread::sleep_for(std::chrono::duration<double>(gap_s));
      }
      for (int fd : open) ::close(fd);
    });
  }
  ~IdleFlood() {
    stop_ = true;
    thread_.join();
  }
  int opened() const { return opened_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> opened_{0};
  std::thread thread_;
};

}  // namespace

TEST_CASE("start-up: a flood of idle connections to rank 0 does not keep its peers out") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  NetOptions o = test_net_options();
  o.startup_timeout = 5;
  o.handshake_timeout = 5;  // the default: a legitimate handshake over Wi-Fi may take a while
  LogSink logs;
  o.log = logs.fn();
  auto rank0 = Mesh::listen(0, 0, key, digest, o);
  REQUIRE(rank0.ok());
  const std::vector<PeerAddress> peers = {{"127.0.0.1", (*rank0)->port()}};
  // Ahead of the cluster and throughout its start-up: hundreds of strangers, far more than a
  // node keeps handshakes pending, each one silent for as long as the node lets it be.
  IdleFlood flood((*rank0)->port(), 300, 0.002);
  while (flood.opened() < 300) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::vector<std::unique_ptr<Mesh>> others;
  std::vector<PeerAddress> all = peers;
  for (int r = 1; r < 3; ++r) {
    auto m = Mesh::listen(r, 0, key, digest, o);
    REQUIRE(m.ok());
    all.push_back({"127.0.0.1", (*m)->port()});
    others.push_back(std::move(*m));
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<Status>> results;
  results.push_back(std::async(std::launch::async, [&] { return (*rank0)->connect(all); }));
  for (auto& m : others) results.push_back(std::async(std::launch::async, [&] { return m->connect(all); }));
  for (auto& f : results) {
    const Status s = f.get();
    CAPTURE(s.message());
    CHECK(s.ok());
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 3);
  (*rank0)->close({});
  for (auto& m : others) m->close({});
  // Every stranger was dropped, but the log holds the first ten and one summary line.
  CAPTURE(fmt::format("{}", fmt::join(logs.lines(), "\n")));
  CHECK(logs.count("rank 0: dropped a connection from 127.0.0.1:") == 10);
  CHECK(logs.count("rank 0: dropped ") == 11);
  CHECK(logs.count("more connections from 127.0.0.1 in the last") == 1);
}

TEST_CASE("start-up: a forged hello claiming an awaited rank does not end the node; the real one joins") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  NetOptions o = test_net_options();
  o.startup_timeout = 5;
  o.log = [](const std::string&) {};
  auto rank0 = Mesh::listen(0, 0, key, digest, o);
  auto rank1 = Mesh::listen(1, 0, key, digest, o);
  REQUIRE(rank0.ok());
  REQUIRE(rank1.ok());
  const std::vector<PeerAddress> peers = {{"127.0.0.1", (*rank0)->port()}, {"127.0.0.1", (*rank1)->port()}};
  auto waiting = std::async(std::launch::async, [&] { return (*rank0)->connect(peers); });
  {
    ringtmp::testing::RawPeer forger((*rank0)->port());
    CHECK(!forger.handshake(generate_cluster_key(), 1, 0, 2, digest));  // claims rank 1, without the key
    CHECK(forger.hung_up(2));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(waiting.wait_for(std::chrono::seconds(0)) == std::future_status::timeout);  // still waiting
  const Status joined = (*rank1)->connect(peers);
  const Status s = waiting.get();
  CAPTURE(s.message());
  CHECK(s.ok());
  CHECK(joined.ok());
  (*rank0)->close({});
  (*rank1)->close({});
}

TEST_CASE("start-up: a forged hello is named at the timeout when the real peer never comes") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  NetOptions o = test_net_options();
  o.startup_timeout = 1;
  o.log = [](const std::string&) {};
  auto rank0 = Mesh::listen(0, 0, key, digest, o);
  REQUIRE(rank0.ok());
  const std::vector<PeerAddress> peers = {{"127.0.0.1", (*rank0)->port()}, {"127.0.0.1", 1}};
  auto waiting = std::async(std::launch::async, [&] { return (*rank0)->connect(peers); });
  {
    ringtmp::testing::RawPeer forger((*rank0)->port());
    forger.handshake(generate_cluster_key(), 1, 0, 2, digest);
    forger.hung_up(2);
  }
  const Status s = waiting.get();
  CHECK(s.message() ==
        "rank 0: start-up timed out after 1 s (--startup-timeout); not connected: peer 1 (127.0.0.1:1): "
        "never connected; a caller claiming to be it failed: authentication failed: its hello is not "
        "tagged under our cluster key (different key files?)");
}
