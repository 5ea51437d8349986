#pragma once
// One authenticated TCP connection to one peer: the dumb layer. It runs the handshake
// (handshake.hpp), then reads frames (checking each header before allocating, each tag,
// each sequence number) and hands the good ones to its owner; it writes frames from a
// queue so that a send never waits for the network. It knows nothing of membership,
// heartbeat policy or what a frame means: that is the Mesh's business (mesh.hpp).
//
// Threading: every member is called on the owning io_context's single thread. A Link is
// held by shared_ptr; its pending operations keep it alive until they complete.
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <utility>  // before Boost.Asio: its awaitable.hpp uses std::exchange (Boost 1.74)
#include <vector>

#include <boost/asio.hpp>

#include "core/steady_seconds.hpp"

#include "runtime/handshake.hpp"

namespace ringtmp {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// Bytes a node put on the wire, for the framing-overhead figure. Updated by the network
// thread, read by anyone.
struct WireStats {
  std::atomic<int64_t> data_frames{0};
  std::atomic<int64_t> payload_bytes{0};   // codec bytes of the messages sent
  std::atomic<int64_t> data_wire_bytes{0}; // the same frames with their envelopes
  std::atomic<int64_t> control_wire_bytes{0};  // handshakes, heartbeats, bye, abort
};

class Link : public std::enable_shared_from_this<Link> {
 public:
  Link(tcp::socket socket, int self_rank, const CodecLimits& limits, WireStats& stats);

  // Steps 1-5 of the handshake within timeout_s. On success the link knows its peer's rank
  // and session key; on failure the socket is closed and the error says why.
  asio::awaitable<std::optional<HandshakeError>> handshake(const ClusterKey& key,
                                                           const HandshakeSide& side,
                                                           double timeout_s);

  // Reads session frames until the connection ends or breaks a rule, and returns why, in
  // one line. `on_frame` sees every authenticated frame in order; an error it returns ends
  // the link with that reason.
  using FrameHandler = std::function<Status(FrameType, std::span<const uint8_t> body)>;
  asio::awaitable<std::string> read_frames(FrameHandler on_frame);

  // Queue a frame (sealed under the session key with the next sequence number).
  void send_message(const Message& m);
  void send_control(FrameType type, std::string_view text = {});

  // After the queue drains, shut down the sending side: the peer reads the end of the
  // stream, while we keep reading until it does the same (no reset, no lost bytes).
  void finish();
  // Close now; pending frames are lost.
  void close();
  // Close now, and have a pending handshake report `why` (a deadline, an eviction).
  void drop(std::string why);

  int peer_rank() const { return peer_rank_; }
  // Its hello asked to rejoin (handshake.hpp, kHelloRejoin).
  bool peer_rejoining() const { return peer_rejoining_; }
  // The life its hello named (handshake.hpp, Hello::life).
  uint64_t peer_life() const { return peer_life_; }
  const std::string& remote() const { return remote_; }
  SteadyTime last_heard() const { return last_heard_; }
  // When the header of the frame read last (or being read) arrived: its bytes on their way.
  SteadyTime frame_started() const { return frame_started_; }
  bool send_idle() const { return queue_.empty(); }
  // Whether the peer has sent a whole, well-formed hello frame (its tag not yet checked):
  // a dialer sends one at once, so a connection without one is idle or a stranger's.
  bool said_hello() const { return said_hello_; }

 private:
  asio::awaitable<void> read_exact(uint8_t* into, size_t n);
  // Reads one whole frame (header checked for `phase` first) into frame_.
  asio::awaitable<StatusOr<EnvelopeHeader>> read_frame(LinkPhase phase, const MacKey& key);
  void enqueue(std::vector<uint8_t> frame, bool is_data, int64_t payload);
  void write_next();

  tcp::socket socket_;
  int self_rank_;
  CodecLimits limits_;
  WireStats& stats_;
  std::string remote_;
  int peer_rank_ = -1;
  MacKey session_{};
  uint64_t send_seq_ = 0, recv_seq_ = 0;
  uint64_t peer_life_ = 0;
  SteadyTime last_heard_ = std::chrono::steady_clock::now();
  SteadyTime frame_started_{};
  std::vector<uint8_t> frame_;  // the frame being read
  struct Pending {
    std::vector<uint8_t> bytes;
    bool is_data;
    int64_t payload;
  };
  std::deque<Pending> queue_;
  bool writing_ = false, finishing_ = false, closed_ = false, said_hello_ = false, peer_rejoining_ = false;
  std::string write_error_, drop_reason_;
};

}  // namespace ringtmp
