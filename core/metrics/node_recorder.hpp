#pragma once
// Accumulates one node's metrics as it runs: busy / idle / send spans (summed, and kept for
// the timeline up to a cap), traffic counters, and the peak of each part of its memory.
// Times are seconds on the node's clock (Transport::now()), passed in by the caller.
#include <algorithm>
#include <vector>

#include "core/metrics/run_result.hpp"

namespace ringtmp {

class NodeRecorder {
 public:
  static constexpr size_t kMaxSpans = 200000;  // per node; beyond it the timeline is truncated
  static constexpr double kMinSpanSeconds = 1e-6;

  NodeRecorder(int node, std::string role) {
    m_.node = node;
    m_.role = std::move(role);
  }

  void span(SpanKind kind, double start, double end) {
    const double d = end - start;
    if (kind == SpanKind::busy) m_.busy_s += d;
    else if (kind == SpanKind::idle) m_.idle_s += d;
    else if (kind == SpanKind::idle_network) m_.idle_s += d, m_.idle_network_s += d;
    else if (kind == SpanKind::send) m_.send_s += d;
    else m_.checkpoint_s += d;
    if (d < kMinSpanSeconds) return;  // counted above; too short to draw
    if (spans_.size() < kMaxSpans) spans_.push_back({m_.node, kind, start, end});
    else truncated_ = true;
  }
  void sent(int64_t bytes) { m_.bytes_sent += bytes; ++m_.msgs_sent; }
  void checkpointed(int64_t bytes) { m_.checkpoint_bytes += bytes; }
  void received(int64_t bytes) { m_.bytes_recv += bytes; ++m_.msgs_recv; }
  // What the node holds of one part right now; each part keeps its peak, and the node's peak
  // is their sum (see memory_parts.hpp).
  void hold(MemoryPart part, int64_t bytes) {
    int64_t& peak = m_.peak_memory_parts[part];
    if (bytes <= peak) return;
    m_.peak_memory_bytes += bytes - peak;
    peak = bytes;
    if (part == MemoryPart::activations || part == MemoryPart::weight_stash)
      m_.peak_stash_bytes = m_.peak_memory_parts[MemoryPart::activations] + m_.peak_memory_parts[MemoryPart::weight_stash];
  }

  const NodeMetrics& metrics() const { return m_; }
  bool timeline_truncated() const { return truncated_; }
  std::vector<Span> take_spans() { return std::move(spans_); }
  // Moves this node's figures into the run (the recorder is spent afterwards).
  void finish_into(RunResult& run) {
    run.nodes.push_back(m_);
    run.timeline.insert(run.timeline.end(), spans_.begin(), spans_.end());
    run.timeline_truncated = run.timeline_truncated || truncated_;
    spans_.clear();
  }

 private:
  NodeMetrics m_;
  std::vector<Span> spans_;
  bool truncated_ = false;
};

}  // namespace ringtmp
