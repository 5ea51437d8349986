// A node binds the address of its own peers line: launch --local's nodes are not reachable
// from other machines, and a name is resolved as the node's peers will resolve it.
#include "runtime/listen_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>

#include "runtime/tcp_transport.hpp"
#include "tests/runtime/tcp_cluster.hpp"

using namespace ringtmp;

namespace {

bool accepts_at(const char* ip, uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  ::inet_pton(AF_INET, ip, &a.sin_addr);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("listen address: an IP address is bound as written, localhost on loopback") {
  CHECK(*listen_address_for({"127.0.0.1", 5000}) == "127.0.0.1");
  CHECK(*listen_address_for({"10.1.2.3", 5000}) == "10.1.2.3");
  CHECK(*listen_address_for({"0.0.0.0", 5000}) == "0.0.0.0");
  CHECK(*listen_address_for({"::1", 5000}) == "::1");
  auto local = listen_address_for({"localhost", 5000});
  REQUIRE(local.ok());
  CHECK((*local == "127.0.0.1" || *local == "::1"));
  auto none = listen_address_for({"no-such-host.invalid", 5000});
  REQUIRE(!none.ok());
  CHECK(none.status().message().starts_with("its own line's host 'no-such-host.invalid' does not resolve on this device"));
}

TEST_CASE("listen address: a node whose line says 127.0.0.1 is not reachable at another address") {
  // 127.0.0.2 is this machine too: a node bound to every interface (0.0.0.0) answers there.
  const ClusterKey key = generate_cluster_key();
  auto probe = TcpTransport::listen(0, 0, key, config_digest(RunConfig{}), ringtmp::testing::test_net_options());
  REQUIRE(probe.ok());
  const uint16_t port = (*probe)->port();
  probe->reset();  // a port that was free
  auto t = connect_cluster(0, {{"127.0.0.1", port}}, key, config_digest(RunConfig{}), ringtmp::testing::test_net_options());
  REQUIRE(t.ok());
  CHECK(accepts_at("127.0.0.1", port));
  CHECK(!accepts_at("127.0.0.2", port));
  (*t)->close({});
}
