#pragma once
// What every run records, with the same names in every backend (DESIGN.md, "What every run
// records"). Fields that do not apply to a run stay empty (std::nullopt) and are written as
// null: never invented.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/metrics/divergence.hpp"
#include "core/metrics/memory_parts.hpp"

namespace ringtmp {

struct NodeMetrics {
  int node = 0;
  std::string role;                 // "trainer", "stage", "worker", "server", ...
  double busy_s = 0;                // inside compute()
  double idle_s = 0;                // blocked waiting for a message
  double idle_network_s = 0;        // of which: the message was on the network (a transfer under way)
  double send_s = 0;                // blocked handing a message to the transport
  double checkpoint_s = 0;          // writing checkpoints (sim: on the modelled storage)
  int64_t checkpoint_bytes = 0;     // checkpoint files written
  int64_t bytes_sent = 0, bytes_recv = 0;
  int64_t msgs_sent = 0, msgs_recv = 0;
  int64_t peak_memory_bytes = 0;    // sum of the parts' peaks (all but the dataset)
  int64_t peak_stash_bytes = 0;     // of which: activations and stashed weights
  MemoryParts peak_memory_parts;    // each part's peak (not carried by outcome files)
  // What the memory plan predicts for the node, dataset included (memory_plan.hpp).
  std::optional<int64_t> planned_memory_bytes;
  // The node process's peak resident set as the kernel measured it (launch: wait4's
  // ru_maxrss); absent where nodes share one process (train, sim).
  std::optional<int64_t> peak_rss_bytes;
  std::optional<double> energy_j;   // sim: plugins; runtime: profile estimate; local: none
  std::optional<double> radio_energy_j;  // of which: radio / NIC (absent without a network profile)
  // The node failed at this time and the others carried on (alive from 0 until then);
  // absent when it lived to the end.
  std::optional<double> failed_at;
};

struct IterationRecord {
  int64_t iteration = 0;  // 1-based: the update that just completed
  double time = 0;        // seconds since the run started (wall, or simulated in sim)
  double loss = 0;        // mean loss over the iteration's global batch
  int64_t samples = 0;    // samples seen so far
};

struct EvalRecord {
  int64_t iteration = 0;
  double accuracy = 0;
  double loss = 0;
  double time = std::numeric_limits<double>::quiet_NaN();  // on the run's clock, when the model was at `iteration`
};

// idle: waiting for work that does not exist yet (a pipeline bubble, a barrier, a slower
// peer); idle_network: waiting for bytes already on their way (both are idle_s).
enum class SpanKind { busy, idle, send, checkpoint, idle_network };
struct Span {
  int node = 0;
  SpanKind kind = SpanKind::busy;
  double start = 0, end = 0;  // seconds since the run started
};

// A node that failed while the others carried on (resilient strategies), and what it cost.
struct FailureReport {
  int node = 0;
  std::string role;
  std::string cause;
  // When it failed: the fault's own time where the backend knows it (sim), else the first
  // detection (the runtime cannot see a death before a survivor does).
  double failed_at = 0;
  double detected_at = 0;        // the first survivor that learned of it (its clock)
  double last_detected_at = 0;   // the last one
  double resumed_at = 0;         // the last survivor back to training
  int64_t iterations_redone = 0; // the most any survivor computed twice
  int64_t recovery_bytes = 0;    // what the survivors sent to recover (summed)
  // Back from the death and readmitted (a rejoin): when the last node trained again with it
  // in the ring, what was redone for it and what the nodes sent to readmit it (summed).
  std::optional<double> rejoined_at;
  int64_t rejoin_iterations_redone = 0;
  int64_t rejoin_bytes = 0;
};

struct RunResult {
  RunConfig config;
  std::string dataset;              // e.g. "fashion-mnist"
  std::string backend = "inproc";   // "local", "inproc", "sim", "runtime"
  int64_t iterations = 0;
  int64_t samples = 0;
  double wall_seconds = 0;
  std::optional<double> sim_seconds;
  bool energy_is_estimate = false;  // runtime: the device profiles' power model, not a meter
  std::string platform;             // sim: what was simulated, e.g. "8 x pi4b on wifi-n (1 access point)"
  std::vector<NodeMetrics> nodes;
  std::vector<IterationRecord> trace;
  std::vector<EvalRecord> evals;
  std::vector<Span> timeline;
  bool timeline_truncated = false;
  std::optional<int64_t> max_staleness;  // ps asp/ssp, ring async
  std::optional<Divergence> divergence;  // the loss or the parameters stopped being finite
  std::vector<FailureReport> failures;   // the nodes the run survived
  int64_t stale_messages = 0;            // dropped as composed in an older view (all nodes)
  // Faults the run absorbed without a failure (sim: a pause shorter than detection).
  std::vector<std::string> silences;

  double final_loss() const { return trace.empty() ? 0.0 : trace.back().loss; }
  std::optional<double> test_accuracy() const {
    return evals.empty() ? std::nullopt : std::optional(evals.back().accuracy);
  }
  // Seconds the run's own clock covers: simulated when simulated, else wall.
  double run_seconds() const { return sim_seconds.value_or(wall_seconds); }
  double samples_per_second() const { return samples / std::max(run_seconds(), 1e-12); }
  // Mean over nodes of idle / run_seconds (a failed node's: / failed_at; one that left no
  // measures is not counted).
  double idle_fraction() const;
  double idle_network_fraction() const;  // the part of idle_fraction spent waiting on the network
  int64_t bytes_sent_total() const;
  int64_t peak_memory_bytes_max() const;
  std::optional<int64_t> peak_rss_bytes_max() const;  // over the nodes that have one
  std::optional<double> energy_joules() const;        // sum over nodes, when all have it
  std::optional<double> energy_per_sample() const;    // energy_joules / samples
};

}  // namespace ringtmp
