#include "runtime/handshake.hpp"

#include <cstring>

#include <sodium.h>

#include "runtime/little_endian.hpp"

namespace ringtmp {

using le::get_u32;
using le::get_u64;
using le::put_u32;
using le::put_u64;

uint64_t fresh_life() {
  if (!sodium_ready()) throw std::runtime_error("libsodium cannot initialise (no entropy source)");
  uint64_t life = 0;
  while (life == 0) randombytes_buf(&life, sizeof life);
  return life;
}

Hello make_hello(int cluster_size, int target_rank, const ConfigDigest& digest, bool rejoining, bool cut_off,
                 uint64_t life) {
  if (!sodium_ready()) throw std::runtime_error("libsodium cannot initialise (no entropy source)");
  Hello h;
  h.cluster_size = uint32_t(cluster_size);
  h.target_rank = uint32_t(target_rank);
  randombytes_buf(h.nonce.data(), h.nonce.size());
  h.digest = digest;
  h.flags = (rejoining ? kHelloRejoin : 0) | (cut_off ? kHelloCutOff : 0);
  h.life = life;
  return h;
}

std::array<uint8_t, kHelloBodyBytes> encode_hello(const Hello& h) {
  static_assert(kHelloBodyBytes == 4 + 4 + 32 + 32 + 4 + 8);
  std::array<uint8_t, kHelloBodyBytes> b{};
  put_u32(b.data(), h.cluster_size);
  put_u32(b.data() + 4, h.target_rank);
  std::memcpy(b.data() + 8, h.nonce.data(), 32);
  std::memcpy(b.data() + 40, h.digest.data(), 32);
  put_u32(b.data() + 72, h.flags);
  put_u64(b.data() + 76, h.life);
  return b;
}

Hello decode_hello(std::span<const uint8_t, kHelloBodyBytes> b) {
  Hello h;
  h.cluster_size = get_u32(b.data());
  h.target_rank = get_u32(b.data() + 4);
  std::memcpy(h.nonce.data(), b.data() + 8, 32);
  std::memcpy(h.digest.data(), b.data() + 40, 32);
  h.flags = get_u32(b.data() + 72);
  h.life = get_u64(b.data() + 76);
  return h;
}

MacKey derive_session_key(const ClusterKey& key, std::span<const uint8_t> dialer_hello,
                          std::span<const uint8_t> acceptor_hello) {
  static constexpr char kLabel[] = "ringtmp session key v1";
  crypto_auth_hmacsha512256_state st;
  crypto_auth_hmacsha512256_init(&st, key.bytes.data(), key.bytes.size());
  crypto_auth_hmacsha512256_update(&st, reinterpret_cast<const unsigned char*>(kLabel), sizeof kLabel);
  crypto_auth_hmacsha512256_update(&st, dialer_hello.data(), dialer_hello.size());
  crypto_auth_hmacsha512256_update(&st, acceptor_hello.data(), acceptor_hello.size());
  MacKey session;
  crypto_auth_hmacsha512256_final(&st, session.data());
  return session;
}

std::optional<HandshakeError> check_peer_hello(const HandshakeSide& self, int peer_rank,
                                               const Hello& theirs, const std::string& who) {
  auto fail = [&](HandshakeFailure kind, std::string message) {
    return HandshakeError{kind, std::move(message), peer_rank};
  };
  if (theirs.digest != self.digest)
    return fail(HandshakeFailure::config,
                fmt::format("config mismatch: peer {} ({}) runs config {}, this node runs {}; "
                            "every node must use the same config",
                            peer_rank, who, short_hex(theirs.digest), short_hex(self.digest)));
  if (int64_t(theirs.cluster_size) != self.cluster_size)
    return fail(HandshakeFailure::rank,
                fmt::format("peer {} ({}) has {} ranks in its peers file, this node has {}",
                            peer_rank, who, theirs.cluster_size, self.cluster_size));
  if (int64_t(theirs.target_rank) != self.rank)
    return fail(HandshakeFailure::rank,
                fmt::format("peer {} ({}) believes it is talking to rank {}, but this is rank {} "
                            "(the peers files differ)",
                            peer_rank, who, theirs.target_rank, self.rank));
  const bool peer_rejoining = theirs.flags & kHelloRejoin;
  if (theirs.flags & ~(kHelloRejoin | kHelloCutOff))
    return fail(HandshakeFailure::rank, fmt::format("peer {} ({}) sent unknown hello flags {:#x}", peer_rank, who,
                                                    theirs.flags));
  if (self.cut_off || (theirs.flags & kHelloCutOff))
    return fail(HandshakeFailure::not_yet,
                fmt::format("{} cut off, not rejoining yet: call again", self.cut_off ? "this node is" : fmt::format("peer {} ({}) is", peer_rank, who)));
  if (self.expected_peer >= 0) {
    if (peer_rank != self.expected_peer)
      return fail(HandshakeFailure::rank,
                  fmt::format("the node at {} says it is rank {}, but the peers file lists rank {} there",
                              who, peer_rank, self.expected_peer));
    // Both back at once, each calling the other: the higher rank's call is kept (below).
    if (self.rejoining && peer_rejoining && peer_rank > self.rank)
      return fail(HandshakeFailure::crossed_rejoins,
                  fmt::format("peer {} ({}) is rejoining too; it calls this node", peer_rank, who));
  } else if (peer_rejoining) {
    // A node back from a death calls every rank, lower and higher.
    if (peer_rank == self.rank || peer_rank < 0 || peer_rank >= self.cluster_size)
      return fail(HandshakeFailure::rank, fmt::format("a rejoining node at {} claims rank {}, outside 0..{} or this "
                                                      "node's own", who, peer_rank, self.cluster_size - 1));
    if (self.rejoining && peer_rank < self.rank)
      return fail(HandshakeFailure::crossed_rejoins,
                  fmt::format("peer {} ({}) is rejoining too; this node calls it", peer_rank, who));
  } else if (peer_rank <= self.rank || peer_rank >= self.cluster_size) {
    // Higher ranks dial lower ones, so an acceptor only ever hears from ranks above it.
    return fail(HandshakeFailure::rank,
                fmt::format("a connection from {} claims rank {}, but only ranks {}..{} call rank {}",
                            who, peer_rank, self.rank + 1, self.cluster_size - 1, self.rank));
  }
  return std::nullopt;
}

}  // namespace ringtmp
