// Endpoint's errors name what the user can change: a silence past the peer timeout names
// the stall guard and its --peer-timeout flag.
#include "core/strategy/endpoint.hpp"

#include <doctest/doctest.h>

#include "core/transport/inproc.hpp"

using namespace ringtmp;

TEST_CASE("waiting past the peer timeout is an error naming the stall guard and --peer-timeout") {
  InProcHub hub(2);
  InProcTransport transport(hub, 0);
  Endpoint<InProcTransport> ep(transport, "stage", 0.01);
  auto r = ep.next("an activation");
  REQUIRE(!r.ok());
  CHECK(r.status().message() == "node 0: no message for 0.01 s while waiting for an activation, its peers alive: stopped by "
                                   "the stall guard (--peer-timeout)");
}
