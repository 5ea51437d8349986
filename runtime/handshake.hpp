#pragma once
// The connection handshake's messages and checks (the I/O lives in link.cpp).
//
// Both sides, at once, without waiting for the other:
//   1. send hello (tagged under the cluster key): cluster size, the rank it believes it is
//      talking to, a fresh 32-byte nonce, its config digest; its own rank is the envelope's
//      sender field.
//   2. read the peer's hello; a bad tag means the peer does not hold our key.
//   3. derive the session key from the cluster key and both hellos; send ready under it.
//   4. read the peer's ready; a bad tag here means the hello was replayed by someone
//      without the key (a real key holder would have derived the same session key).
//   5. only now, both proven key holders, compare config digests and ranks.
// Because both sides send before they check, both reach the same verdict: a wrong key or a
// config mismatch is reported by both nodes, not just the one that noticed.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "runtime/cluster_key.hpp"
#include "runtime/config_digest.hpp"
#include "runtime/envelope.hpp"

namespace ringtmp {

// Hello flags. rejoin: the sender is a node back from a death (its peers counted it dead),
// asking to be let in after start-up, whatever its rank (mesh.hpp, Mesh::rejoin).
inline constexpr uint32_t kHelloRejoin = 1;
// cut_off: the sender was cut off (mesh.hpp) and has not begun its rejoin: a call now would
// reach a node whose inbox is shut, so the handshake fails at both ends and the caller
// calls again.
inline constexpr uint32_t kHelloCutOff = 2;

struct Hello {
  uint32_t cluster_size = 0;
  uint32_t target_rank = 0;  // the rank the sender believes it is talking to
  std::array<uint8_t, 32> nonce{};
  ConfigDigest digest{};
  uint32_t flags = 0;
  // The sender's life: random, new at start-up and at each rejoin. Two connections of one
  // life are the same peer, called both ways at once (mesh.hpp: a spare link), not a
  // death and a rebirth.
  uint64_t life = 0;
};

// A random life for Hello::life (never 0, which names none).
uint64_t fresh_life();

// A hello with a fresh random nonce.
Hello make_hello(int cluster_size, int target_rank, const ConfigDigest& digest, bool rejoining = false,
                 bool cut_off = false, uint64_t life = 0);
std::array<uint8_t, kHelloBodyBytes> encode_hello(const Hello& h);
Hello decode_hello(std::span<const uint8_t, kHelloBodyBytes> body);

// The key every later frame of the connection is tagged under: a MAC under the cluster key
// of both whole hello frames (dialer's first), which hold both ranks and both nonces.
MacKey derive_session_key(const ClusterKey& key, std::span<const uint8_t> dialer_hello,
                          std::span<const uint8_t> acceptor_hello);

// Why a handshake failed. The kind decides what happens next: during start-up a wrong key,
// config or rank ends the node (the cluster is misconfigured, waiting cannot help); io and
// garbage are retried (dialer) or dropped (acceptor); after start-up everything is dropped.
// crossed_rejoins: two nodes rejoining at once called each other; the higher rank's call is
// the one kept, and the lower stops calling and waits for it.
// not_yet: one end is cut off, not yet rejoining; the caller calls again.
enum class HandshakeFailure { io, garbage, authentication, config, rank, crossed_rejoins, not_yet };

struct HandshakeError {
  HandshakeFailure kind = HandshakeFailure::io;
  std::string message;    // one line, naming the peer
  int claimed_rank = -1;  // the sender rank the peer's hello claimed, if it got that far
};

// What this side knows when it checks the peer's (authenticated) hello.
struct HandshakeSide {
  int rank = 0;           // ours
  int cluster_size = 0;   // ours
  int expected_peer = -1; // dialer: the rank we called; acceptor: -1 (any higher rank, or a rejoiner)
  ConfigDigest digest{};  // ours
  bool rejoining = false; // ours: back from a death, calling to rejoin (hello flag kHelloRejoin)
  bool cut_off = false;   // ours: cut off, not rejoining yet (kHelloCutOff)
  uint64_t life = 0;      // ours (Hello::life)
};

// Config and rank checks of step 5; nullopt when the peer may join as `peer_rank`.
// `who` names the peer in messages ("127.0.0.1:5001").
std::optional<HandshakeError> check_peer_hello(const HandshakeSide& self, int peer_rank,
                                               const Hello& theirs, const std::string& who);

}  // namespace ringtmp
