#pragma once
// The socket backend's Transport: the core's strategies run over real TCP connections,
// one process (or, in tests, one thread) per node. A thin face on a Mesh (mesh.hpp), which
// owns the connections, the handshake, heartbeats and failure detection; this class only
// adds the node's clock and the concept's shape.
//
// Life of a node (what `ringtmp node` does):
//   auto t = connect_cluster(rank, peers, key, config_digest(c), options);  // rendezvous
//   NodeOutcome o = run_node(**t, c, plan, train, progress);
//   (*t)->close(o.status);  // bye, or abort with the error (peers get PeerDown)
// Tests and `launch` that want free ports call TcpTransport::listen with port 0, publish
// port(), then connect(peers).
//
// Contract: the Transport concept's (core/transport/transport.hpp), from a successful
// connect on (before it, size() is 0 and nothing may be sent). now() is seconds on the
// steady clock since the rendezvous completed, so the nodes' clocks agree to within the
// start-up skew (a round trip or so). compute runs fn on the calling thread. send never
// blocks: frames are sealed and written by the network thread. Its failure hooks are kill,
// freeze and close with an error, from the node's thread; after any of them, and after a
// clean close, the node is out: its sends are dropped and recv only times out.
#include <chrono>
#include <memory>

#include "runtime/mesh.hpp"

namespace ringtmp {

class TcpTransport {
 public:
  // Binds the node's port (0: a free one) and listens; see Mesh::listen.
  static StatusOr<std::unique_ptr<TcpTransport>> listen(int rank, uint16_t port, const ClusterKey& key,
                                                        const ConfigDigest& digest, NetOptions options = {});
  // The start-up rendezvous with every peer; see Mesh::connect. Blocks.
  Status connect(const std::vector<PeerAddress>& peers);
  // A node back from a death asks its peers to let it in; see Mesh::rejoin. Blocks. After a
  // CutOffFromCluster the clock goes on (the same process); a process started again with
  // it instead of connect starts its clock here (its times are its own, a start-up's skew
  // from its peers' plus however long after their start it came).
  Status rejoin(const std::vector<PeerAddress>& peers);

  int rank() const { return mesh_->rank(); }
  int size() const { return mesh_->size(); }
  uint16_t port() const { return mesh_->port(); }

  void send(int to, Message&& m) { mesh_->send(to, std::move(m)); }
  // Throws CutOffFromCluster once the node was stopped past its peers' failure detection.
  Event recv(double timeout_s) {
    Event e = mesh_->wait(timeout_s);
    if (auto* r = std::get_if<Received>(&e))  // from the steady clock's epoch to this node's
      r->on_air_at -= std::chrono::duration<double>(epoch_.time_since_epoch()).count();
    return e;
  }
  double now() const { return clock_at(std::chrono::steady_clock::now()); }
  double clock_at(SteadyTime t) const { return std::chrono::duration<double>(t - epoch_).count(); }
  template <class Fn>
  void compute(int64_t /*flops*/, Fn&& fn) { fn(); }

  // See Mesh::close / kill / freeze.
  void close(const Status& outcome) { mesh_->close(outcome); }
  void kill() { mesh_->kill(); }
  void freeze() { mesh_->freeze(); }
  void stall_network(double seconds) { mesh_->stall_network(seconds); }

  const WireStats& stats() const { return mesh_->stats(); }

 private:
  explicit TcpTransport(std::unique_ptr<Mesh> mesh) : mesh_(std::move(mesh)) {}
  std::unique_ptr<Mesh> mesh_;
  std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  bool connected_ = false;
};

// listen on peers[rank] (its host, see listen_address.hpp, unless options.listen_host is set;
// its port), then connect (`rejoining`: rejoin, for a process started again for its rank):
// one call for a node whose port is known.
StatusOr<std::unique_ptr<TcpTransport>> connect_cluster(int rank, const std::vector<PeerAddress>& peers,
                                                        const ClusterKey& key, const ConfigDigest& digest,
                                                        NetOptions options = {}, bool rejoining = false);

}  // namespace ringtmp
