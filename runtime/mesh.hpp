#pragma once
// Membership and liveness of one runtime node, above the dumb links (link.hpp): who is in
// the cluster, the start-up rendezvous with bounded retries, heartbeats, and turning a
// dead, silent or failed peer into exactly one PeerDown event. TcpTransport is a thin face
// on it; the strategies never see any of this.
//
// Topology: every pair of ranks shares one connection, opened at start-up by the higher
// rank (it dials, the lower accepts), so every node watches every other's liveness and
// gets a PeerDown for any failure, as in the simulator and the in-process transport. The
// clusters this runs on (a table of Pis) are small: N(N-1)/2 connections cost nothing,
// and one rule for every strategy beats a per-strategy neighbour list.
//
// Threads: a Mesh runs its own network thread (an io_context). The node thread calls the
// public members; send, wait and stats are safe from any thread, the others are called by
// the node's thread only. Numerics never wait for the network and vice versa: sends are
// queued, frames are sealed, checked and decoded on the network thread.
#include <atomic>
#include <condition_variable>
#include <functional>
#include <stdexcept>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "core/transport/event_queue.hpp"
#include "runtime/link.hpp"
#include "runtime/log_limiter.hpp"
#include "runtime/peers_file.hpp"

namespace ringtmp {

struct NetOptions {
  double startup_timeout = 60;     // every peer connected and authenticated within this
  double handshake_timeout = 5;    // one connection's handshake
  // Failure detection: RunConfig's heartbeat and failure_timeout (`ringtmp node` passes
  // them; their defaults and why are in core/settings.cpp).
  double heartbeat_interval = 1;   // a link with nothing queued gets a heartbeat this often
  double silence_timeout = 2.5;    // a peer heard nothing from for this long is down
  double close_timeout = 5;        // close() waits this long for queues to drain and bye's answer
  // Incoming handshakes pending at once. A newcomer beyond it evicts the oldest one that has
  // not said hello (else the oldest), never itself: a flood of idle strangers cannot keep a
  // peer out, as a peer says hello the moment it connects (mesh_startup.cpp).
  int max_pending_handshakes = 64;
  // The address to bind; empty: 127.0.0.1. connect_cluster fills in the host of the node's
  // own line in the peers file (listen_address.hpp); "0.0.0.0" is every interface.
  std::string listen_host;
  CodecLimits limits;
  // One line per dropped connection and per peer that went down; default: stderr.
  std::function<void(const std::string&)> log;
};

// Thrown by Mesh::wait once the node has been cut off from its cluster: its whole program
// (network thread included) was stopped for longer than its peers' failure detection allows
// (SIGSTOP, a hung host), so they count it dead. Its node program ends here, as a simulated
// host turned off ends its actor; the node may then rejoin (Mesh::rejoin).
class CutOffFromCluster : public std::runtime_error {
 public:
  CutOffFromCluster(const std::string& why, SteadyTime stopped_at) : std::runtime_error(why), stopped_at_(stopped_at) {}
  SteadyTime stopped_at() const { return stopped_at_; }

 private:
  SteadyTime stopped_at_;
};

class Mesh {
 public:
  // Binds and listens on listen_host:port (port 0: a free port, see port()). Nothing is
  // accepted until connect(): the kernel queues early callers. Error, e.g.
  // "rank 1 cannot listen on 127.0.0.1:5001: Address already in use".
  static StatusOr<std::unique_ptr<Mesh>> listen(int rank, uint16_t port, const ClusterKey& key,
                                                const ConfigDigest& digest, NetOptions options);
  ~Mesh();  // closes with an error (peers get PeerDown) if close() was not called
  Mesh(const Mesh&) = delete;
  Mesh& operator=(const Mesh&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  uint16_t port() const { return port_; }

  // The start-up rendezvous: dials every lower rank (retrying until the start-up timeout),
  // accepts every higher one, returns once all are connected and authenticated. Blocks.
  // Errors at once: a peer we dial with another key ("authentication failed"), a key holder
  // with another config ("config mismatch") or other ranks, a peer that stops during
  // start-up. A caller that has not proven it holds the key (bad tag, garbage, silence)
  // never ends the node, whatever rank it claims: it is dropped and named at the timeout
  // if the rank it claimed never came. After the timeout: the peers still missing and why. After an error the mesh is closed and the peers that
  // had connected are told why (they get PeerDown). Called once.
  Status connect(const std::vector<PeerAddress>& peers);

  // A node back from a death asks to be let in again: it calls every other rank with a
  // rejoin hello (handshake.hpp) and returns once each has answered or been given up on
  // (still unreachable after the failure timeout plus a handshake's), the latter reported
  // as PeerDown. The inbox starts empty: a new life. Called after a CutOffFromCluster, or
  // instead of connect by a process started again for its rank (`ringtmp node --rejoin`).
  // Error: no peer answered (the run has ended, or every peer is down), or one refused us
  // for good (another key or config). Survivors let such a caller in at any time after
  // start-up: its old connection, if they still hold one, is dead (a PeerDown first).
  Status rejoin(const std::vector<PeerAddress>& peers);

  // Queues m for `to` (a frame to self goes straight to the inbox). Dropped silently when
  // `to` is down or has left, or once this node is out (after close, kill or freeze).
  void send(int to, Message&& m);
  // The next event: Received, PeerDown (once per peer, after everything the peer's
  // connection delivered, and again for a peer back from a death that dies again), or
  // Timeout after timeout_s. Only Timeout once the node is out. Throws CutOffFromCluster
  // once the node has been cut off (until rejoin).
  Event wait(double timeout_s);

  // Ends the node's part: says bye (ok) or abort with the error's text (peers get PeerDown
  // with it), lets queued frames drain and peers answer, at most close_timeout, then stops
  // the network thread. Idempotent. The node is out from the call on (see send, wait).
  void close(const Status& outcome);
  // Test hooks for the two ways a process dies. kill: sockets closed, no goodbye (SIGKILL;
  // peers see the connection end). freeze: the network thread stops, sockets stay open,
  // nothing more is read or sent (SIGSTOP, a hung host; peers see silence).
  void kill();
  void freeze();
  // Test hook for SIGSTOP then SIGCONT: the network thread stalls for `seconds` (nothing read,
  // sent or checked), then goes on. Returns at once.
  void stall_network(double seconds);

  const WireStats& stats() const { return stats_; }

 private:
  enum class PeerState { self, waiting, up, left, down };
  // Two nodes rejoining at once may each take the other's call: one end's rejoin ends
  // with the first connection up, and the second arrives after its `crossed_rejoins`
  // check could refuse it. Both connections then belong to the same life of the peer
  // (Hello::life); the second is kept as a spare, never closed, since the two ends may
  // have chosen different ones as their own (closing either would cut both ends off, each
  // seeing the other down). A node sends on `link`; it reads, hears heartbeats and byes on
  // all of them.
  struct Peer {
    PeerState state = PeerState::waiting;
    std::shared_ptr<Link> link;
    std::vector<std::shared_ptr<Link>> spares;
    uint64_t life = 0;       // the life `link` named
    std::string last_error;  // why start-up has not reached it yet
    bool holds(const Link* l) const;  // link or a spare
    SteadyTime last_heard() const;    // on any of them
    std::vector<Link*> links() const;  // link and the spares
    void close_links();               // all of them; the spares forgotten
  };

  Mesh(int rank, const ClusterKey& key, const ConfigDigest& digest, NetOptions options);

  // Start-up (mesh_startup.cpp).
  void start();
  void start_background();  // accepting, heartbeats, summaries of dropped callers
  // The network thread: `first` runs on it, then everything posted to io_ until close.
  template <class First>
  void start_network_thread(First first) {
    thread_ = std::thread([this, first = std::move(first)] {
      asio::post(io_, first);
      io_.run();
    });
  }
  Status adopt_peers(const std::vector<PeerAddress>& peers);
  asio::awaitable<void> dial(int peer);
  asio::awaitable<void> accept_loop();
  asio::awaitable<void> serve_incoming(tcp::socket socket);
  void finish_startup(Status result);
  std::string missing_peers() const;
  void make_room_for_incoming();
  // Rejected connections, rate-limited (log_limiter.hpp); summaries every interval, and the
  // rest at close (force).
  void log_dropped(const std::string& kind, const std::string& source, const std::string& line);
  void summarise_drops(bool force);
  asio::awaitable<void> drop_summaries();

  // Rejoining (mesh_rejoin.cpp).
  void start_rejoin();
  void finish_rejoin(Status result);
  bool cut_off_if_stopped();
  void cut_off(double stopped_for);
  // Whether a rejoin hello from `claimed` may come in now; else why not.
  std::string refuse_rejoin(int claimed) const;

  // Steady state (mesh.cpp).
  void link_up(int peer, std::shared_ptr<Link> link);
  // A second connection of the life `peer` is up with (Peer): kept beside it.
  void add_spare(int peer, std::shared_ptr<Link> link);
  void spawn_reader(int peer, std::shared_ptr<Link> link);
  asio::awaitable<void> run_link(int peer, std::shared_ptr<Link> link);
  Status on_frame(int peer, Link& from, FrameType type, std::span<const uint8_t> body);
  void mark_down(int peer, const std::string& reason);
  asio::awaitable<void> heartbeats();
  void begin_close(Status outcome);
  void stop_thread();
  void close_sockets();  // network thread stopped
  void log(const std::string& line) const;

  const int rank_;
  int size_ = 0;
  uint16_t port_ = 0;
  const ClusterKey key_;
  const ConfigDigest digest_;
  const NetOptions opt_;

  // Network-thread state. io_ is declared first so that it is destroyed last: the
  // coroutines it still holds when the node stops die with it.
  asio::io_context io_;
  tcp::acceptor acceptor_;
  std::vector<PeerAddress> addresses_;
  std::vector<Peer> peers_;
  bool starting_ = true, closing_ = false;
  uint64_t life_ = 0;  // this node's life (Hello::life): new at start-up and at each rejoin
  // Rejoin: calls going out (until every peer answered or the deadline); the heartbeat
  // ticks' clock, whose gaps show the node was stopped.
  bool rejoining_ = false;
  int64_t rejoin_generation_ = 0;  // counts rejoins; a dial serves the one it was started for
  std::unique_ptr<asio::steady_timer> rejoin_deadline_;
  SteadyTime last_tick_ = std::chrono::steady_clock::now();
  std::set<std::shared_ptr<Link>> handshaking_;  // closed with the mesh, so callers hear it
  std::list<std::shared_ptr<Link>> incoming_;     // accepted, handshake pending, oldest first
  static constexpr int kDropLogBurst = 10;         // rejected connections logged whole per interval
  static constexpr double kDropLogInterval = 10;   // seconds
  LogLimiter dropped_log_{fmt::format("rank {}: dropped", rank_), kDropLogBurst, kDropLogInterval};
  int open_links_ = 0;

  // Hand-over to the node thread.
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<Status> startup_result_;
  std::optional<Status> rejoin_result_;
  std::atomic<bool> cut_off_{false};
  std::string cut_off_reason_;  // under mu_
  SteadyTime stopped_at_{};     // under mu_
  bool drained_ = false;
  bool closed_ = false;  // node thread only
  EventQueue inbox_;  // closed when the node is out (close, kill, freeze)
  WireStats stats_;
};

}  // namespace ringtmp
