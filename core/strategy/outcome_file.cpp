#include "core/strategy/outcome_file.hpp"

#include "core/binary_io.hpp"
#include "core/text_file.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>

namespace ringtmp {
namespace {

constexpr char kMagic[4] = {'R', 'T', 'O', '8'};  // 6: rejoins; 7: failed_at; 8: snapshots for --eval-every, idle on the network
// Far above any cluster the settings allow (65536 nodes + 4096 servers).
constexpr int64_t kMaxRanks = int64_t(1) << 20;

// What a node writes: its status on one line (a peer's text inside it may hold a newline).
std::string flattened(std::string text) {
  std::replace_if(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; }, ' ');
  return text;
}

// Ranks (a recovery's dead or joined), each an int64 in 0..INT_MAX.
bool read_ranks(Reader& r, std::vector<int>& ranks) {
  for (int& d : ranks) {
    int64_t v = 0;
    if (!r.pod(v) || v < 0 || v > std::numeric_limits<int>::max()) return false;
    d = int(v);
  }
  return true;
}

}  // namespace

std::vector<uint8_t> encode_outcome(const NodeOutcome& o) {
  Writer w;
  // Sized once: grown by doubling, a stage's parameters would be held up to three times over
  // (the old buffer, the new one, the outcome's own), the largest peak of a node's process.
  const auto& text = o.status.message();
  // The fixed fields take under 512 bytes; a reserve that fell short once (RTO6 grew them)
  // made the params' copy twice over (rss_plan.sh caught it).
  size_t recoveries = 0;
  for (const auto& rec : o.recoveries) recoveries += 64 + 8 * (rec.dead.size() + rec.joined.size());
  size_t snapshots = 0;
  for (const auto& s : o.snapshots) snapshots += 32 + s.params.size() * sizeof(float);
  w.out.reserve(512 + text.size() + o.origin.run_id.size() + o.origin.config_ini.size() + o.metrics.role.size() +
                o.earlier_failure.size() + o.spans.size() * 25 + o.losses.size() * 32 + recoveries +
                snapshots + o.params.size() * sizeof(float));
  w.bytes(kMagic, sizeof kMagic);
  w.pod(int64_t(o.origin.rank));
  w.pod(int64_t(o.origin.cluster_size));
  w.text(o.origin.run_id);
  w.text(o.origin.config_ini);
  w.pod(o.origin.peak_rss_bytes);
  w.pod(uint8_t(o.status.ok()));
  w.text(o.status.ok() ? "" : flattened(o.status.message()));
  w.pod(uint8_t(o.stopped_by_peer));
  w.pod(o.peer_down_seen_at);
  const auto& m = o.metrics;
  w.pod(int64_t(m.node));
  w.text(flattened(m.role));
  for (double v : {m.busy_s, m.idle_s, m.idle_network_s, m.send_s, m.checkpoint_s}) w.pod(v);
  for (int64_t v : {m.bytes_sent, m.bytes_recv, m.msgs_sent, m.msgs_recv, m.peak_memory_bytes, m.peak_stash_bytes,
                    m.checkpoint_bytes})
    w.pod(v);
  w.pod(uint64_t(o.spans.size()));
  for (const auto& s : o.spans) {
    w.pod(int64_t(s.node));
    w.pod(uint8_t(s.kind));
    w.pod(s.start);
    w.pod(s.end);
  }
  w.pod(uint8_t(o.spans_truncated));
  write_losses(w, o.losses);
  w.pod(uint64_t(o.param_offset));
  w.pod(uint64_t(o.params.size()));
  for (float v : o.params) w.pod(v);
  w.pod(uint8_t(o.max_staleness.has_value()));
  w.pod(o.max_staleness.value_or(0));
  w.pod(uint8_t(o.whole_losses));
  w.pod(o.stale_messages);
  w.pod(uint64_t(o.recoveries.size()));
  for (const auto& rec : o.recoveries) {
    w.pod(uint64_t(rec.dead.size()));
    for (int d : rec.dead) w.pod(int64_t(d));
    w.pod(rec.detected_at);
    w.pod(rec.resumed_at);
    w.pod(rec.iterations_redone);
    w.pod(rec.bytes_sent);
    w.pod(uint64_t(rec.joined.size()));
    for (int j : rec.joined) w.pod(int64_t(j));
    w.pod(uint8_t(rec.rejoin));
  }
  w.pod(uint8_t(o.rejoined_at.has_value()));
  w.pod(o.rejoined_at.value_or(0));
  w.text(flattened(o.earlier_failure));
  w.pod(uint8_t(o.failed_at.has_value()));
  w.pod(o.failed_at.value_or(0));
  w.pod(uint64_t(o.snapshots.size()));
  for (const auto& s : o.snapshots) {
    w.pod(s.iteration);
    w.pod(s.time);
    w.pod(uint64_t(s.offset));
    w.pod(uint64_t(s.params.size()));
    for (float v : s.params) w.pod(v);
  }
  return std::move(w.out);
}

StatusOr<NodeOutcome> decode_outcome(std::span<const uint8_t> bytes) {
  const auto bad = [](const char* what) { return Status::errorf("not a node outcome: {}", what); };
  if (bytes.size() < 4 || std::memcmp(bytes.data(), kMagic, 4) != 0) return bad("wrong magic or version");
  Reader r(bytes.subspan(4));
  NodeOutcome o;
  int64_t rank = 0, size = 0;
  if (!r.pod(rank) || !r.pod(size) || !r.text(o.origin.run_id) || !r.text(o.origin.config_ini) ||
      !r.pod(o.origin.peak_rss_bytes))
    return bad("truncated origin");
  // The rank names a file in merge's messages and indexes its ranks: in range or refused.
  if (rank < -1 || rank > kMaxRanks || size < 0 || size > kMaxRanks || o.origin.peak_rss_bytes < 0)
    return bad("origin out of range");
  if (!one_line(o.origin.run_id)) return bad("run id not on one line");
  o.origin.rank = int(rank);
  o.origin.cluster_size = int(size);
  uint8_t ok = 0, flag = 0;
  std::string message;
  if (!r.pod(ok) || !r.text(message) || !r.pod(flag) || !r.pod(o.peer_down_seen_at)) return bad("truncated status");
  // A node's status is one line, and it reaches the user's error line as is (found by the
  // outcome fuzz bench: a forged newline split the run's one-line error).
  if (!one_line(message)) return bad("status message not on one line");
  if (!ok) o.status = Status::error(message.empty() ? "failed" : message);
  o.stopped_by_peer = flag != 0;
  auto& m = o.metrics;
  int64_t node = 0;
  if (!r.pod(node) || !r.text(m.role) || !r.pod(m.busy_s) || !r.pod(m.idle_s) || !r.pod(m.idle_network_s) || !r.pod(m.send_s) || !r.pod(m.checkpoint_s) ||
      !r.pod(m.bytes_sent) || !r.pod(m.bytes_recv) || !r.pod(m.msgs_sent) || !r.pod(m.msgs_recv) ||
      !r.pod(m.peak_memory_bytes) || !r.pod(m.peak_stash_bytes) || !r.pod(m.checkpoint_bytes))
    return bad("truncated metrics");
  if (!one_line(m.role)) return bad("role not on one line");  // a cell of nodes.csv
  // Its part of the idle time (nodes.csv's idle_work_s is the difference).
  if (!(m.idle_network_s >= 0 && m.idle_network_s <= m.idle_s)) return bad("idle on the network outside 0..idle");
  m.node = int(node);
  uint64_t n = 0;
  if (!r.count(n, 25)) return bad("span count beyond the file");
  o.spans.resize(n);
  for (auto& s : o.spans) {
    int64_t sn = 0;
    uint8_t kind = 0;
    if (!r.pod(sn) || !r.pod(kind) || !r.pod(s.start) || !r.pod(s.end) || kind > uint8_t(SpanKind::idle_network)) return bad("bad span");
    s.node = int(sn);
    s.kind = SpanKind(kind);
  }
  if (!r.pod(flag)) return bad("truncated");
  o.spans_truncated = flag != 0;
  if (!read_losses(r, o.losses)) return bad("loss count beyond the file");
  uint64_t offset = 0;
  if (!r.pod(offset) || !r.count(n, sizeof(float))) return bad("parameter count beyond the file");
  o.param_offset = size_t(offset);
  o.params.resize(n);
  for (auto& v : o.params) r.pod(v);
  int64_t staleness = 0;
  if (!r.pod(flag) || !r.pod(staleness)) return bad("truncated staleness");
  if (flag) o.max_staleness = staleness;
  if (!r.pod(flag) || !r.pod(o.stale_messages)) return bad("truncated resilience");
  o.whole_losses = flag != 0;
  // A recovery takes at least 8 (its death count) + 32 + 8 (its join count) + 1 bytes.
  if (!r.count(n, 49)) return bad("recovery count beyond the file");
  o.recoveries.resize(n);
  for (auto& rec : o.recoveries) {
    if (!r.count(n, sizeof(int64_t))) return bad("death count beyond the file");
    rec.dead.resize(n);
    if (!read_ranks(r, rec.dead)) return bad("bad dead rank");
    if (!r.pod(rec.detected_at) || !r.pod(rec.resumed_at) || !r.pod(rec.iterations_redone) || !r.pod(rec.bytes_sent))
      return bad("truncated recovery");
    if (!r.count(n, sizeof(int64_t))) return bad("join count beyond the file");
    rec.joined.resize(n);
    if (!read_ranks(r, rec.joined)) return bad("bad joined rank");
    if (!r.pod(flag)) return bad("truncated recovery");
    rec.rejoin = flag != 0;
  }
  double rejoined_at = 0;
  if (!r.pod(flag) || !r.pod(rejoined_at) || !r.text(o.earlier_failure)) return bad("truncated rejoin");
  if (flag) o.rejoined_at = rejoined_at;
  if (!one_line(o.earlier_failure)) return bad("earlier failure not on one line");
  double failed_at = 0;
  if (!r.pod(flag) || !r.pod(failed_at)) return bad("truncated failure time");
  if (flag && !std::isfinite(failed_at)) return bad("failure time not finite");
  if (flag) o.failed_at = failed_at;
  // A snapshot takes at least 32 bytes: its iteration, time, offset and count.
  if (!r.count(n, 32)) return bad("snapshot count beyond the file");
  o.snapshots.resize(n);
  for (auto& s : o.snapshots) {
    uint64_t offset = 0;
    if (!r.pod(s.iteration) || !r.pod(s.time) || !r.pod(offset) || !r.count(n, sizeof(float)))
      return bad("truncated snapshot");
    if (!std::isfinite(s.time)) return bad("snapshot time not finite");
    s.offset = size_t(offset);
    s.params.resize(n);
    for (auto& v : s.params) r.pod(v);
  }
  if (!r.done()) return bad("trailing bytes");
  return o;
}

Status write_outcome_file(const std::string& path, const NodeOutcome& o) {
  const auto bytes = encode_outcome(o);
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
  f.close();
  if (!f) return Status::errorf("{}: cannot write the node's outcome", path);
  return {};
}

StatusOr<NodeOutcome> read_outcome_file(const std::string& path) {
  auto bytes = read_text_file(path, "node outcome", kMaxOutcomeFileBytes);
  if (!bytes.ok()) return bytes.status();
  auto o = decode_outcome(std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  if (!o.ok()) return Status::errorf("{}: {}", path, o.status().message());
  return o;
}

}  // namespace ringtmp
