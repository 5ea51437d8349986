#pragma once
// SimTransport: the Transport concept over SimGrid S4U, for one node's actor. Sends are
// detached comms sized by the wire codec, so they overlap the node's computation; compute
// runs the real numerics (unless timing-only) and then charges the counted flops on the
// node's simulated host, so the clock advances by flops / host speed; store runs the real
// write (unless timing-only) and then charges it to the host's modelled storage. now() is
// the simulated clock. Use from the node's own actor only.
#include <cstdint>
#include <utility>

#include <simgrid/s4u.hpp>

#include "core/transport/codec.hpp"
#include "sim/sim_network.hpp"

namespace ringtmp::sim {

class SimTransport {
 public:
  // `threads` (--threads T) at `speedup` times one core's rate (core/platform/profiles.hpp);
  // `storage`: the rank's modelled storage (Platform::storage), none by default.
  SimTransport(SimNetwork& network, int rank, bool timing_only, int threads = 1, double speedup = 1.0,
               Storage storage = {})
      : net_(network), rank_(rank), timing_only_(timing_only), threads_(threads), speedup_(speedup),
        storage_(storage) {}

  int rank() const { return rank_; }
  int size() const { return net_.size(); }
  void send(int to, Message&& m) {
    net_.sit_out_silences(rank_, now());
    const auto bytes = int64_t(encoded_size(m));
    net_.post(rank_, to, std::move(m), bytes);
  }
  Event recv(double timeout_s) {
    Event e = net_.wait(rank_, timeout_s);
    net_.sit_out_silences(rank_, now());
    return e;
  }
  double now() const { return simgrid::s4u::Engine::get_clock(); }
  template <class Fn>
  void compute(int64_t flops, Fn&& fn) {
    if (!timing_only_) fn();
    if (flops <= 0) return;
    const double start = now();
    if (threads_ == 1) {
      simgrid::s4u::this_actor::execute(double(flops));
    } else {
      // T threads, each busy for the node's time: flops / speedup at one core's rate. The
      // energy plugin sees T cores busy for it.
      simgrid::s4u::this_actor::thread_execute(simgrid::s4u::this_actor::get_host(), double(flops) / speedup_,
                                               threads_);
    }
    net_.sit_out_silences(rank_, start);
  }
  // fn writes `bytes` to the node's storage (a checkpoint); timing-only runs skip it, as
  // compute skips the numerics, and write no files. Then the clock advances by latency_s +
  // bytes / the disk's write bandwidth, or not at all without modelled storage. Meanwhile
  // the host's CPU is idle and the energy plugin charges its idle watts: the card's own
  // draw while writing is negligible next to the board's, so no storage power is modelled.
  template <class Fn>
  void store(int64_t bytes, Fn&& fn) {
    if (!timing_only_) fn();
    if (!storage_.disk) return;
    const double start = now();
    if (storage_.latency_s > 0) simgrid::s4u::this_actor::sleep_for(storage_.latency_s);
    if (bytes > 0) storage_.disk->write(sg_size_t(bytes));
    net_.sit_out_silences(rank_, start);
  }

 private:
  SimNetwork& net_;
  int rank_;
  bool timing_only_;
  int threads_;
  double speedup_;
  Storage storage_;
};

}  // namespace ringtmp::sim
