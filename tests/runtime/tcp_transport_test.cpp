// The strategies over real sockets: a 4-node cluster of TcpTransports on loopback (one
// thread per node) reproduces the in-process transport's loss trace for ring 1f1b, ps bsp
// and all-reduce; a node reads its peers and key files from disk; framing costs under 2%;
// connect_cluster reports bad input clearly.
#include "runtime/tcp_transport.hpp"

#include <cmath>

#include <doctest/doctest.h>

#include "core/data/synthetic.hpp"
#include "tests/data/temp_dir.hpp"
#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;
using ringtmp::testing::run_tcp;
using ringtmp::testing::small_cluster_config;
using ringtmp::testing::small_data;
using ringtmp::testing::test_net_options;

namespace {

double worst_relative_difference(const RunResult& a, const RunResult& b) {
  REQUIRE(a.trace.size() == b.trace.size());
  double worst = 0;
  for (size_t i = 0; i < a.trace.size(); ++i) {
    CHECK(a.trace[i].samples == b.trace[i].samples);
    worst = std::max(worst, std::abs(a.trace[i].loss - b.trace[i].loss) / std::max(std::abs(a.trace[i].loss), 1e-12));
  }
  return worst;
}

}  // namespace

TEST_CASE("tcp: ring 1f1b, ps bsp and all-reduce over loopback reproduce the in-process run") {
  for (StrategyKind s : {StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce}) {
    CAPTURE(to_string(s));
    const RunConfig c = small_cluster_config(s);
    auto reference = run_inproc(c, small_data());
    REQUIRE(reference.ok());
    auto tcp = run_tcp(c, small_data(), test_net_options());
    INFO((tcp.result.ok() ? std::string("ok") : tcp.result.status().message()));
    REQUIRE(tcp.result.ok());
    CHECK(tcp.result->iterations == 30);
    CHECK(worst_relative_difference(*reference, *tcp.result) <= 1e-5);
    CHECK(tcp.result->backend == "tcp");
    // Every message went out in one data frame with a 36-byte envelope.
    int64_t messages = 0, bytes = 0;
    for (const auto& n : tcp.result->nodes) {
      messages += n.msgs_sent;
      bytes += n.bytes_sent;
    }
    CHECK(tcp.payload_bytes == bytes);
    CHECK(tcp.data_wire_bytes == bytes + messages * int64_t(kEnvelopeOverhead));
  }
}

TEST_CASE("tcp: connect_cluster checks the rank and reports a port in use") {
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  auto bad_rank = connect_cluster(2, {{"127.0.0.1", 5000}, {"127.0.0.1", 5001}}, key, digest);
  REQUIRE(!bad_rank.ok());
  CHECK(bad_rank.status().message() == "rank 2 is not in the peers list (ranks 0..1)");

  auto first = TcpTransport::listen(0, 0, key, digest, test_net_options());
  REQUIRE(first.ok());
  const uint16_t port = (*first)->port();
  auto second = connect_cluster(1, {{"127.0.0.1", 1}, {"127.0.0.1", port}}, key, digest, test_net_options());
  REQUIRE(!second.ok());
  CHECK(second.status().message() ==
        fmt::format("rank 1 cannot listen on 127.0.0.1:{}: Address already in use (bind)", port));
}

TEST_CASE("tcp: framing costs at most 2% on a ring with Fashion-MNIST-sized layers") {
  // Everything on the wire (data frames, handshakes, heartbeats) over the codec bytes of
  // the messages: the envelope is 36 bytes, an activation block of 16 x 256 floats is 16 KB.
  RunConfig c = ringtmp::testing::small_cluster_config(StrategyKind::ring);
  c.layers = {784, 256, 128, 64, 10};
  c.batch = 64;
  c.microbatches = 4;
  c.iterations = 4;
  const DataSplit d = make_synthetic({.features = 784, .classes = 10, .train_samples = 256, .test_samples = 32});
  auto tcp = run_tcp(c, d, test_net_options());
  REQUIRE(tcp.result.ok());
  const double ratio = double(tcp.data_wire_bytes + tcp.control_wire_bytes) / double(tcp.payload_bytes);
  MESSAGE("wire bytes / payload bytes = ", ratio);
  CHECK(ratio <= 1.02);
}

TEST_CASE("tcp: a node's inputs from disk: peers file and key file, as `ringtmp node` reads them") {
  ringtmp::testing::TempDir dir;
  const ClusterKey key = generate_cluster_key();
  REQUIRE(write_key_file(dir.file("cluster.key"), key).ok());
  const RunConfig c = small_cluster_config(StrategyKind::allreduce);
  const ConfigDigest digest = config_digest(c);
  std::vector<std::unique_ptr<TcpTransport>> nodes;
  std::string peers_text = "# allreduce on loopback\n";
  for (int r = 0; r < c.nodes; ++r) {
    auto k = load_key_file(dir.file("cluster.key"));
    REQUIRE(k.ok());
    auto t = TcpTransport::listen(r, 0, *k, digest, test_net_options());
    REQUIRE(t.ok());
    peers_text += fmt::format("127.0.0.1:{}\n", (*t)->port());
    nodes.push_back(std::move(*t));
  }
  std::ofstream(dir.file("peers.txt")) << peers_text;
  auto peers = load_peers_file(dir.file("peers.txt"));
  REQUIRE(peers.ok());
  auto plan = plan_cluster(c, small_data().train.size());
  REQUIRE(plan.ok());
  std::vector<NodeOutcome> outcomes(size_t(c.nodes));
  std::vector<std::thread> threads;
  for (int r = 0; r < c.nodes; ++r)
    threads.emplace_back([&, r] {
      TcpTransport& t = *nodes[size_t(r)];
      outcomes[size_t(r)].status = t.connect(*peers);
      if (outcomes[size_t(r)].status.ok()) outcomes[size_t(r)] = run_node(t, c, *plan, small_data().train, {});
      t.close(outcomes[size_t(r)].status);
    });
  for (auto& t : threads) t.join();
  auto result = merge_outcomes(c, small_data(), std::move(outcomes), 0, "tcp");
  INFO((result.ok() ? std::string("ok") : result.status().message()));
  REQUIRE(result.ok());
  CHECK(result->iterations == c.iterations);
}
