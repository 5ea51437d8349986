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
