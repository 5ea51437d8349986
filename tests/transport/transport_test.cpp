// ForwardingTransport (core/transport/transport.hpp) forwards the optional store(bytes, fn):
// to the inner transport's store when it has one, else it runs fn itself, so a fault test's
// wrapper over the in-process transport still writes its checkpoints.
#include "core/transport/transport.hpp"

#include <doctest/doctest.h>

#include "core/transport/inproc.hpp"

using namespace ringtmp;

namespace {

// An in-process transport that does have store, and counts what it was asked to write.
struct Storing : InProcTransport {
  using InProcTransport::InProcTransport;
  int64_t stored = 0;
  template <class Fn>
  void store(int64_t bytes, Fn&& fn) {
    stored += bytes;
    fn();
  }
};

}  // namespace

TEST_CASE("ForwardingTransport::store runs fn over a transport without store, and forwards to one with it") {
  InProcHub hub(1);
  InProcTransport plain(hub, 0);
  ForwardingTransport<InProcTransport> over_plain(plain);
  int ran = 0;
  over_plain.store(1000, [&] { ++ran; });
  CHECK(ran == 1);

  Storing storing(hub, 0);
  ForwardingTransport<Storing> over_storing(storing);
  over_storing.store(1000, [&] { ++ran; });
  CHECK(ran == 2);
  CHECK(storing.stored == 1000);
}
