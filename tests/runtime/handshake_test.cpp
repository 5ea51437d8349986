// The handshake's pure parts: hello encoding, session keys that bind both hellos, and the
// config and rank checks with the lines they print.
#include "runtime/handshake.hpp"

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

ConfigDigest digest(uint8_t fill) {
  ConfigDigest d;
  d.fill(fill);
  return d;
}

}  // namespace

TEST_CASE("handshake: hellos round-trip and carry fresh nonces") {
  const Hello a = make_hello(4, 2, digest(7));
  const Hello b = make_hello(4, 2, digest(7));
  CHECK(a.nonce != b.nonce);
  const auto bytes = encode_hello(a);
  const Hello back = decode_hello(bytes);
  CHECK(back.cluster_size == 4);
  CHECK(back.target_rank == 2);
  CHECK(back.nonce == a.nonce);
  CHECK(back.digest == digest(7));
  CHECK(back.flags == 0);
  CHECK(decode_hello(encode_hello(make_hello(4, 2, digest(7), /*rejoining=*/true))).flags == kHelloRejoin);
  CHECK(back.life == 0);
  const uint64_t life = fresh_life();
  CHECK(life != 0);
  CHECK(life != fresh_life());
  CHECK(decode_hello(encode_hello(make_hello(4, 2, digest(7), false, false, life))).life == life);
}

TEST_CASE("handshake: the session key depends on the key and on both hellos, in order") {
  const ClusterKey k1 = generate_cluster_key(), k2 = generate_cluster_key();
  const std::vector<uint8_t> h1 = {1, 2, 3}, h2 = {4, 5, 6}, h3 = {4, 5, 7};
  const MacKey s = derive_session_key(k1, h1, h2);
  CHECK(s == derive_session_key(k1, h1, h2));
  CHECK(s != derive_session_key(k2, h1, h2));
  CHECK(s != derive_session_key(k1, h2, h1));
  CHECK(s != derive_session_key(k1, h1, h3));
}

TEST_CASE("handshake: config and rank checks say what differs") {
  const HandshakeSide acceptor{.rank = 1, .cluster_size = 4, .expected_peer = -1, .digest = digest(1)};
  const HandshakeSide dialer{.rank = 3, .cluster_size = 4, .expected_peer = 1, .digest = digest(1)};
  Hello good{.cluster_size = 4, .target_rank = 1, .nonce = {}, .digest = digest(1)};
  CHECK(!check_peer_hello(acceptor, 3, good, "h:1"));
  Hello to_dialer = good;
  to_dialer.target_rank = 3;
  CHECK(!check_peer_hello(dialer, 1, to_dialer, "h:1"));

  Hello other_config = good;
  other_config.digest = digest(2);
  auto e = check_peer_hello(acceptor, 3, other_config, "h:9");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::config);
  CHECK(e->message == "config mismatch: peer 3 (h:9) runs config 020202020202, this node runs "
                      "010101010101; every node must use the same config");

  Hello other_size = good;
  other_size.cluster_size = 5;
  e = check_peer_hello(acceptor, 3, other_size, "h:9");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::rank);
  CHECK(e->message == "peer 3 (h:9) has 5 ranks in its peers file, this node has 4");

  Hello wrong_target = good;
  wrong_target.target_rank = 2;
  e = check_peer_hello(acceptor, 3, wrong_target, "h:9");
  REQUIRE(e);
  CHECK(e->message.find("believes it is talking to rank 2, but this is rank 1") != std::string::npos);

  for (int claimed : {0, 1, 4, 99, -5}) {
    CAPTURE(claimed);
    e = check_peer_hello(acceptor, claimed, good, "h:9");
    REQUIRE(e);
    CHECK(e->kind == HandshakeFailure::rank);
    CHECK(e->message.find("only ranks 2..3 call rank 1") != std::string::npos);
  }
  e = check_peer_hello(dialer, 2, to_dialer, "h:1");
  REQUIRE(e);
  CHECK(e->message == "the node at h:1 says it is rank 2, but the peers file lists rank 1 there");
}

TEST_CASE("handshake: a rejoining node is let in from any other rank; two rejoining at once keep the higher's call") {
  const HandshakeSide acceptor{.rank = 2, .cluster_size = 4, .expected_peer = -1, .digest = digest(1)};
  Hello rejoin{.cluster_size = 4, .target_rank = 2, .nonce = {}, .digest = digest(1), .flags = kHelloRejoin};
  for (int claimed : {0, 1, 3}) {  // lower ranks too: a node back calls everyone
    CAPTURE(claimed);
    CHECK(!check_peer_hello(acceptor, claimed, rejoin, "h:1"));
  }
  for (int claimed : {2, 4, -1}) {
    CAPTURE(claimed);
    auto e = check_peer_hello(acceptor, claimed, rejoin, "h:1");
    REQUIRE(e);
    CHECK(e->kind == HandshakeFailure::rank);
  }
  Hello unknown = rejoin;
  unknown.flags = 6;
  auto e = check_peer_hello(acceptor, 3, unknown, "h:1");
  REQUIRE(e);
  CHECK(e->message == "peer 3 (h:1) sent unknown hello flags 0x6");

  // Ranks 1 and 3 both back: 3 calls 1 and is let in; 1's call to 3 is refused by both ends
  // (each sees both hellos), and 1 waits for 3's call.
  HandshakeSide one_accepting{.rank = 1, .cluster_size = 4, .expected_peer = -1, .digest = digest(1), .rejoining = true};
  HandshakeSide three_dialing{.rank = 3, .cluster_size = 4, .expected_peer = 1, .digest = digest(1), .rejoining = true};
  Hello from_three = rejoin, from_one = rejoin;
  from_three.target_rank = 1;
  from_one.target_rank = 3;
  CHECK(!check_peer_hello(one_accepting, 3, from_three, "h:3"));
  CHECK(!check_peer_hello(three_dialing, 1, from_one, "h:1"));
  HandshakeSide one_dialing{.rank = 1, .cluster_size = 4, .expected_peer = 3, .digest = digest(1), .rejoining = true};
  HandshakeSide three_accepting{.rank = 3, .cluster_size = 4, .expected_peer = -1, .digest = digest(1), .rejoining = true};
  e = check_peer_hello(one_dialing, 3, from_three, "h:3");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::crossed_rejoins);
  e = check_peer_hello(three_accepting, 1, from_one, "h:1");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::crossed_rejoins);

  // A node cut off but not rejoining yet: no call goes through either way (its inbox is shut),
  // and the caller calls again.
  HandshakeSide one_cut_off = one_accepting;
  one_cut_off.rejoining = false;
  one_cut_off.cut_off = true;
  e = check_peer_hello(one_cut_off, 3, from_three, "h:3");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::not_yet);
  Hello from_cut_off = from_one;
  from_cut_off.flags = kHelloCutOff;
  e = check_peer_hello(three_dialing, 1, from_cut_off, "h:1");
  REQUIRE(e);
  CHECK(e->kind == HandshakeFailure::not_yet);
  CHECK(e->message == "peer 1 (h:1) is cut off, not rejoining yet: call again");
}
