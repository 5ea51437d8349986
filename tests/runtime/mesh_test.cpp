// A mesh's steady state, driven frame by frame from a hand-made peer that holds the key and
// joins as rank 1: good frames arrive in order; a bad tag, a lying length, a wrong rank, a
// replayed frame, an undecodable body (an older release's among them), an abort or silence
// each make that peer down, with the reason, exactly once; a bye is not a failure. (A peer
// whose connection simply ends is covered by the kill test in tcp_faults_test.cpp.) A peer
// back from a death is let in again, and nothing from its earlier connection gets through;
// a mesh stopped past its peers' detection cuts itself off.
#include "runtime/mesh.hpp"

#include <algorithm>
#include <future>

#include <doctest/doctest.h>

#include "tests/runtime/raw_peer.hpp"
#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;
using ringtmp::testing::lying_header;
using ringtmp::testing::RawPeer;

namespace {

// Rank 0 is a real mesh; rank 1 is a RawPeer the test drives.
struct MeshAndRaw {
  std::unique_ptr<Mesh> mesh;
  std::unique_ptr<RawPeer> raw;
  ClusterKey key;
  ConfigDigest digest;
};

MeshAndRaw mesh_and_raw(double silence_timeout = 5) {
  NetOptions o = ringtmp::testing::test_net_options();
  o.silence_timeout = silence_timeout;
  o.log = [](const std::string&) {};
  const ClusterKey key = generate_cluster_key();
  const ConfigDigest digest = config_digest(RunConfig{});
  auto m = Mesh::listen(0, 0, key, digest, o);
  REQUIRE(m.ok());
  Mesh& mesh = **m;
  auto connected = std::async(std::launch::async, [&] {
    return mesh.connect({{"127.0.0.1", mesh.port()}, {"127.0.0.1", 9}});
  });
  auto raw = std::make_unique<RawPeer>(mesh.port());
  REQUIRE(raw->handshake(key, 1, 0, 2, digest));
  REQUIRE(connected.get().ok());
  return {std::move(*m), std::move(raw), key, digest};
}

Message token(int64_t it) { return Message{Token{.iteration = it, .microbatch = 0}}; }

// The reason of the PeerDown the mesh reports next (fails the test on anything else).
std::string peer_down_reason(Mesh& m) {
  Event e = m.wait(3);
  auto* d = std::get_if<PeerDown>(&e);
  REQUIRE(d != nullptr);
  CHECK(d->rank == 1);
  return d->reason;
}

}  // namespace

TEST_CASE("mesh: frames from a peer arrive in order; sends to self loop back") {
  auto [mesh, raw, key_, digest_] = mesh_and_raw();
  // Each stamped with a view (epoch i, digest 7i): the sender's view crosses the socket.
  auto in_view = [](int64_t i) {
    Message m = token(i);
    m.epoch = uint32_t(i);
    m.view_digest = uint64_t(7 * i);
    return m;
  };
  for (int i = 0; i < 3; ++i) raw->send_message(in_view(i));
  for (int i = 0; i < 3; ++i) {
    Event e = mesh->wait(3);
    auto* r = std::get_if<Received>(&e);
    REQUIRE(r != nullptr);
    CHECK(r->from == 1);
    CHECK(r->message == in_view(i));
  }
  mesh->send(0, token(42));
  Event e = mesh->wait(1);
  REQUIRE(std::holds_alternative<Received>(e));
  CHECK(std::get<Received>(e).from == 0);
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.05)));
}

TEST_CASE("mesh: every broken rule on an authenticated connection makes the peer down once") {
  struct Case {
    const char* name;
    std::function<void(RawPeer&)> act;
    const char* reason;
  };
  // A codec header (20 bytes, the least a data body holds) of an unknown kind, and a token
  // as wire version 1 framed it (8-byte header, no view), as an older release would send it.
  std::vector<uint8_t> junk_codec = {'R', 'T', kWireVersion, 99};
  junk_codec.resize(kFrameHeaderBytes);
  const std::vector<uint8_t> older_codec = {'R', 'T', 1, uint8_t(MessageKind::token), 12, 0, 0, 0,
                                            5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const std::vector<Case> cases = {
      {"bad tag", [](RawPeer& p) { p.send(FrameType::heartbeat, {}, {.corrupt_tag = true}); },
       "authentication failed: heartbeat frame with a bad tag"},
      {"oversized length", [](RawPeer& p) { p.write(lying_header(FrameType::data, 0xfffffff0u)); },
       "data body of 4294967280 bytes outside [20, 268435456]"},
      {"frame before handshake kind", [](RawPeer& p) { p.write(lying_header(FrameType::hello, kHelloBodyBytes)); },
       "hello frame after the handshake"},
      {"undecodable body", [&](RawPeer& p) { p.send(FrameType::data, junk_codec); },
       "undecodable message: frame header: unknown message kind 99"},
      {"older codec", [&](RawPeer& p) { p.send(FrameType::data, older_codec); },
       "undecodable message: frame header: wire version 1 is an older ringtmp's (this build speaks 6)"},
      {"abort", [](RawPeer& p) { p.send(FrameType::abort, std::vector<uint8_t>{'b', 'o', 'o', 'm'}); },
       "it stopped: boom"},
      {"wrong sender", [](RawPeer& p) { p.send(FrameType::heartbeat, {}, {.sender = 0}); },
       "heartbeat frame claims rank 0 on rank 1's connection"},
      {"replayed frame", [](RawPeer& p) { p.send(FrameType::heartbeat, {}, {.seq = 1}); },
       "heartbeat frame numbered 1, expected 2 (replayed or lost frames)"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto [mesh, raw, key_, digest_] = mesh_and_raw();
    c.act(*raw);
    const std::string reason = peer_down_reason(*mesh);
    CHECK(reason.starts_with(c.reason));
    // Once only, and later sends to it vanish without an error.
    mesh->send(1, token(1));
    CHECK(std::holds_alternative<Timeout>(mesh->wait(0.05)));
  }
}

TEST_CASE("mesh: a bye is a clean finish, not a PeerDown") {
  auto [mesh, raw, key_, digest_] = mesh_and_raw();
  raw->send_message(token(5));
  raw->send(FrameType::bye, {});
  Event e = mesh->wait(3);
  REQUIRE(std::holds_alternative<Received>(e));  // what came before the bye still arrives
  CHECK(raw->hung_up(3));  // the mesh answers the bye by ending its side
  raw.reset();
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.3)));
}

TEST_CASE("mesh: a silent peer is down after the silence timeout") {
  auto [mesh, raw, key_, digest_] = mesh_and_raw(0.5);
  const auto start = std::chrono::steady_clock::now();
  const std::string reason = peer_down_reason(*mesh);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(reason.starts_with("silent for "));
  CHECK(reason.find("(heartbeat timeout 0.5 s)") != std::string::npos);
  CHECK(seconds >= 0.4);
  CHECK(seconds < 1.5);
}

TEST_CASE("mesh: a peer back from a death is let in after start-up; its earlier connection's frames never arrive") {
  auto [mesh, old_life, key, digest] = mesh_and_raw();
  old_life->send_message(token(1));
  Event e = mesh->wait(3);
  REQUIRE(std::holds_alternative<Received>(e));

  // Without the rejoin flag a late caller is dropped, as before.
  RawPeer stranger(mesh->port());
  CHECK(stranger.handshake(key, 1, 0, 2, digest));
  CHECK(stranger.hung_up(3));
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.2)));

  RawPeer new_life(mesh->port());
  REQUIRE(new_life.handshake(key, 1, 0, 2, digest, /*rejoining=*/true));
  // The rank's old connection is dead: one PeerDown, then the new life's frames only.
  CHECK(peer_down_reason(*mesh).find("it called again to rejoin") != std::string::npos);
  old_life->send_message(token(2));  // the earlier life, still talking
  CHECK(old_life->hung_up(3));
  new_life.send_message(token(3));
  e = mesh->wait(3);
  auto* r = std::get_if<Received>(&e);
  REQUIRE(r != nullptr);
  CHECK(r->from == 1);
  CHECK(std::get<Token>(r->message.payload).iteration == 3);
  // ...and it can go down again.
  new_life.send(FrameType::abort, std::span<const uint8_t>());
  CHECK(peer_down_reason(*mesh).starts_with("it stopped"));
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.2)));
}

TEST_CASE("mesh: a mesh stopped past its peers' detection hangs up, its node learns it, and it rejoins whoever "
          "answers") {
  auto [mesh, raw, key, digest] = mesh_and_raw(0.5);
  mesh->stall_network(1.0);  // SIGSTOP for the network thread: ticks stop, nothing is read
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  CHECK_THROWS_WITH_AS(mesh->wait(3), doctest::Contains("rank 0 was stopped for"), CutOffFromCluster);
  CHECK(raw->hung_up(3));  // whoever had not noticed hears it from the closed connection
  // Rank 1 is a RawPeer at a port where nothing listens: nobody answers the call.
  const Status s = mesh->rejoin({{"127.0.0.1", mesh->port()}, {"127.0.0.1", 9}});
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("no peer answered its call to rejoin") != std::string::npos);
  CHECK(s.message().find("peer 1 (127.0.0.1:9)") != std::string::npos);
}

TEST_CASE("mesh: a second connection from the same life (two rejoiners calling each other) is kept beside the "
          "first: frames on either arrive, no PeerDown; a bye on one does not lose data on the other") {
  auto [mesh, first, key, digest] = mesh_and_raw();
  RawPeer second(mesh->port());
  REQUIRE(second.handshake(key, 1, 0, 2, digest, /*rejoining=*/true, first->life()));
  first->send_message(token(1));
  second.send_message(token(2));
  std::vector<int64_t> got;
  for (int i = 0; i < 2; ++i) {
    Event e = mesh->wait(3);
    auto* r = std::get_if<Received>(&e);
    REQUIRE(r != nullptr);
    CHECK(r->from == 1);
    got.push_back(std::get<Token>(r->message.payload).iteration);
  }
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<int64_t>{1, 2});
  // The bye may be read first on its connection; the token sent before it still arrives.
  first->send_message(token(3));
  second.send(FrameType::bye, {});
  Event e = mesh->wait(3);
  auto* r = std::get_if<Received>(&e);
  REQUIRE(r != nullptr);
  CHECK(std::get<Token>(r->message.payload).iteration == 3);
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.2)));  // a clean finish: no PeerDown
}

TEST_CASE("mesh: a spare connection's end is the life's end: one PeerDown, every connection of it closed") {
  auto [mesh, first, key, digest] = mesh_and_raw();
  RawPeer second(mesh->port());
  REQUIRE(second.handshake(key, 1, 0, 2, digest, /*rejoining=*/true, first->life()));
  second.send(FrameType::abort, std::vector<uint8_t>{'b', 'y', 'e'});
  CHECK(peer_down_reason(*mesh) == "it stopped: bye");
  CHECK(first->hung_up(3));
  CHECK(std::holds_alternative<Timeout>(mesh->wait(0.2)));
  // A new life is let in after it.
  RawPeer new_life(mesh->port());
  REQUIRE(new_life.handshake(key, 1, 0, 2, digest, /*rejoining=*/true));
  new_life.send_message(token(4));
  Event e = mesh->wait(3);
  auto* r = std::get_if<Received>(&e);
  REQUIRE(r != nullptr);
  CHECK(std::get<Token>(r->message.payload).iteration == 4);
}
