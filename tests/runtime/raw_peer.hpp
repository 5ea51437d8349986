#pragma once
// A hand-driven peer for hostile-traffic tests: a blocking loopback socket that speaks the
// envelope and the handshake by hand, so a test sends exactly the bytes it wants (garbage,
// a lying length, a bad tag, a wrong rank) and can watch whether the node hangs up.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include "runtime/envelope.hpp"
#include "runtime/handshake.hpp"

namespace ringtmp::testing {

// Ways to make a session frame wrong while its tag stays right (or not).
struct FrameTweak {
  bool corrupt_tag = false;        // flip a bit of the tag
  std::optional<uint32_t> sender;  // claim another rank
  std::optional<uint64_t> seq;     // another sequence number (replay, skip)
};

class RawPeer {
 public:
  explicit RawPeer(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("raw peer: cannot connect");
  }
  ~RawPeer() { ::close(fd_); }
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  void write(std::span<const uint8_t> bytes) {
    // MSG_NOSIGNAL: the node may already have hung up; that is the point of some tests.
    size_t done = 0;
    while (done < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return;
      done += size_t(n);
    }
  }

  // Reads exactly n bytes, or nothing if the stream ends or timeout_s passes first.
  std::optional<std::vector<uint8_t>> read(size_t n, double timeout_s = 5) {
    std::vector<uint8_t> out(n);
    size_t done = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (done < n) {
      const int ms = int(std::chrono::duration<double, std::milli>(deadline - std::chrono::steady_clock::now()).count());
      pollfd p{fd_, POLLIN, 0};
      if (ms <= 0 || ::poll(&p, 1, ms) <= 0) return std::nullopt;
      const ssize_t k = ::recv(fd_, out.data() + done, n - done, 0);
      if (k <= 0) return std::nullopt;
      done += size_t(k);
    }
    return out;
  }

  // Whether the node closes the connection within timeout_s (what it sends first is skipped).
  bool hung_up(double timeout_s = 5) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    uint8_t buf[4096];
    while (true) {
      const int ms = int(std::chrono::duration<double, std::milli>(deadline - std::chrono::steady_clock::now()).count());
      pollfd p{fd_, POLLIN, 0};
      if (ms <= 0 || ::poll(&p, 1, ms) <= 0) return false;
      if (::recv(fd_, buf, sizeof buf, 0) <= 0) return true;
    }
  }

  // The dialer's side of the handshake, claiming `rank` and calling `target` (`rejoining`:
  // as a node back from a death). True when the node answered with a hello and a ready
  // frame that verify (then frames can follow).
  // `life`: the life its hello names (Hello::life); by default this peer's own, one per RawPeer.
  bool handshake(const ClusterKey& key, int rank, int target, int size, const ConfigDigest& digest,
                 bool rejoining = false, std::optional<uint64_t> life = std::nullopt) {
    rank_ = uint32_t(rank);
    MacKey k;
    std::copy(key.bytes.begin(), key.bytes.end(), k.begin());
    std::vector<uint8_t> mine;
    seal_frame(FrameType::hello, rank_, seq_++, encode_hello(make_hello(size, target, digest, rejoining, false, life.value_or(life_))), k, mine);
    write(mine);
    auto theirs = read(kEnvelopeOverhead + kHelloBodyBytes);
    if (!theirs || !verify_frame(*theirs, k)) return false;
    session_ = derive_session_key(key, mine, *theirs);
    send(FrameType::ready, {});
    auto ready = read(kEnvelopeOverhead);
    return ready && verify_frame(*ready, session_);
  }

  // A session frame, with the next sequence number unless tweaked.
  void send(FrameType type, std::span<const uint8_t> body, FrameTweak tweak = {}) {
    std::vector<uint8_t> f;
    const uint64_t seq = tweak.seq.value_or(seq_);
    ++seq_;
    seal_frame(type, tweak.sender.value_or(rank_), seq, body, session_, f);
    if (tweak.corrupt_tag) f.back() ^= 1;
    write(f);
  }
  void send_message(const Message& m) {
    std::vector<uint8_t> f;
    seal_message(m, rank_, seq_++, session_, f);
    write(f);
  }

  uint64_t life() const { return life_; }

 private:
  int fd_ = -1;
  uint32_t rank_ = 0;
  const uint64_t life_ = fresh_life();
  uint64_t seq_ = 0;
  MacKey session_{};
};

// A header announcing a body of `length` bytes, to test that lengths are checked first.
inline std::vector<uint8_t> lying_header(FrameType type, uint32_t length) {
  std::vector<uint8_t> h = {'R', 'K', kEnvelopeVersion, uint8_t(type), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  for (int i = 0; i < 4; ++i) h.push_back(uint8_t(length >> (8 * i)));
  return h;
}

}  // namespace ringtmp::testing
