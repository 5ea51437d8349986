// Node outcomes survive the trip through a file exactly, and a damaged file is an error,
// never a crash or a huge allocation.
#include "core/strategy/outcome_file.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

NodeOutcome sample() {
  NodeOutcome o;
  o.status = Status::error("node 2: peer 1 is down");
  o.stopped_by_peer = true;
  o.peer_down_seen_at = 12.5;
  o.metrics.node = 2;
  o.metrics.role = "stage";
  o.metrics.busy_s = 1.25;
  o.metrics.idle_s = 0.5;
  o.metrics.idle_network_s = 0.125;
  o.metrics.bytes_sent = 123456789012;
  o.metrics.msgs_recv = 42;
  o.metrics.peak_stash_bytes = 7;
  o.spans = {{2, SpanKind::idle, 0.1, 0.2}, {2, SpanKind::busy, 0.2, 0.7}, {2, SpanKind::idle_network, 0.7, 0.8}};
  o.losses = {{1, 0.7, 12.5, 64}, {2, 1.4, 11.0, 64}};
  o.param_offset = 100;
  o.params.assign({1.5f, -2.25f, 3e-8f});
  o.max_staleness = 3;
  o.origin = {2, 4, "0123abcd", "[run]\nstrategy = ring\n", 36 << 20};
  Recovery healed{{1}, 3.0, 3.5, 1, 2048, {}, false};
  Recovery admitted{{}, 6.0, 6.25, 1, 4096, {1, 3}, false};
  Recovery own{{}, 7.0, 7.5, 0, 64, {}, true};
  o.recoveries = {healed, admitted, own};
  o.rejoined_at = 7.5;
  o.earlier_failure = "host turned off at 2 s";
  o.failed_at = 2.0;
  o.snapshots = {{10, 4.5, 100, FloatBuffer{0.25f, -1.0f}}, {20, 9.0, 100, FloatBuffer{0.5f, 2.0f}}};
  return o;
}

}  // namespace

TEST_CASE("a node outcome round-trips through its encoding") {
  const NodeOutcome o = sample();
  auto back = decode_outcome(encode_outcome(o));
  REQUIRE(back.ok());
  CHECK(back->status.message() == o.status.message());
  CHECK(back->stopped_by_peer);
  CHECK(back->peer_down_seen_at == 12.5);
  CHECK(back->metrics.node == 2);
  CHECK(back->metrics.role == "stage");
  CHECK(back->metrics.busy_s == 1.25);
  CHECK(back->metrics.idle_network_s == 0.125);
  CHECK(back->metrics.bytes_sent == 123456789012);
  CHECK(back->metrics.msgs_recv == 42);
  CHECK(back->metrics.peak_stash_bytes == 7);
  REQUIRE(back->spans.size() == 3);
  CHECK(back->spans[1].kind == SpanKind::busy);
  CHECK(back->spans[2].kind == SpanKind::idle_network);
  CHECK(back->spans[1].end == 0.7);
  REQUIRE(back->losses.size() == 2);
  CHECK(back->losses[1].loss_sum == 11.0);
  CHECK(back->param_offset == 100);
  CHECK(std::vector<float>(back->params.begin(), back->params.end()) == std::vector<float>{1.5f, -2.25f, 3e-8f});
  CHECK(back->max_staleness == 3);
  CHECK(back->origin.rank == 2);
  CHECK(back->origin.cluster_size == 4);
  CHECK(back->origin.run_id == "0123abcd");
  CHECK(back->origin.config_ini == o.origin.config_ini);
  CHECK(back->origin.peak_rss_bytes == 36 << 20);
  REQUIRE(back->recoveries.size() == 3);
  CHECK(back->recoveries[0].dead == std::vector<int>{1});
  CHECK(back->recoveries[0].bytes_sent == 2048);
  CHECK(back->recoveries[1].joined == std::vector<int>{1, 3});
  CHECK(back->recoveries[1].resumed_at == 6.25);
  CHECK_FALSE(back->recoveries[1].rejoin);
  CHECK(back->recoveries[2].rejoin);
  CHECK(back->rejoined_at == 7.5);
  CHECK(back->earlier_failure == "host turned off at 2 s");
  CHECK(back->failed_at == 2.0);
  REQUIRE(back->snapshots.size() == 2);
  CHECK(back->snapshots[1].iteration == 20);
  CHECK(back->snapshots[1].time == 9.0);
  CHECK(back->snapshots[1].offset == 100);
  CHECK(std::vector<float>(back->snapshots[1].params.begin(), back->snapshots[1].params.end()) ==
        std::vector<float>{0.5f, 2.0f});

  NodeOutcome fine;
  auto ok = decode_outcome(encode_outcome(fine));
  REQUIRE(ok.ok());
  CHECK(ok->status.ok());
  CHECK_FALSE(ok->max_staleness.has_value());
  CHECK_FALSE(ok->rejoined_at.has_value());
  CHECK_FALSE(ok->failed_at.has_value());
}

TEST_CASE("every truncation, a bad magic and trailing bytes are refused") {
  const auto bytes = encode_outcome(sample());
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(decode_outcome(std::span(bytes.data(), n)).ok());
  auto longer = bytes;
  longer.push_back(0);
  CHECK(decode_outcome(longer).status().message().find("trailing bytes") != std::string::npos);
  auto magic = bytes;
  magic[3] = '9';
  CHECK(decode_outcome(magic).status().message().find("magic") != std::string::npos);
  // A span count of 2^60: refused before allocating.
  auto huge = encode_outcome(NodeOutcome{});
  // magic, origin (rank, size, two empty texts, peak RSS), status, stopped_by_peer, its time, node, ...
  const size_t spans_at = 4 + 5 * 8 + 1 + 8 + 1 + 8 + 8 + 8 + 5 * 8 + 7 * 8;
  for (int i = 0; i < 8; ++i) huge[spans_at + i] = i == 7 ? 0x10 : 0;
  CHECK(decode_outcome(huge).status().message().find("span count") != std::string::npos);
  // Idle on the network beyond the idle time (idle_work_s would be negative): refused.
  NodeOutcome forged = sample();
  forged.metrics.idle_network_s = 0.75;
  CHECK(decode_outcome(encode_outcome(forged)).status().message().find("idle on the network") != std::string::npos);
  // A forged rank would index merge's ranks: refused.
  auto rank = encode_outcome(NodeOutcome{});
  for (int i = 0; i < 8; ++i) rank[4 + i] = 0x7f;
  CHECK(decode_outcome(rank).status().message().find("origin out of range") != std::string::npos);
}

TEST_CASE("an outcome is encoded in the buffer reserved for it: a stage's parameters are never copied twice over") {
  NodeOutcome o = sample();
  o.params.assign(size_t(1) << 20, 0.5f);
  for (int i = 0; i < 50; ++i) o.recoveries.push_back({{1, 2, 3}, 1.0, 2.0, 1, 64, {4, 5}, i % 2 == 0});
  for (int i = 1; i <= 20; ++i) o.snapshots.push_back({i, double(i), 0, FloatBuffer(size_t(1) << 16, 0.25f)});
  const auto bytes = encode_outcome(o);
  // Grown past its reservation, the buffer would double: its capacity near twice its size.
  CHECK(bytes.capacity() < bytes.size() + 4096);
}
