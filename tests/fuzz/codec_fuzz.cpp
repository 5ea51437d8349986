// libFuzzer target for the wire codec's decode: any bytes must either be rejected with a
// Status or decode to a message whose encoding is exactly those bytes (the codec has one
// encoding per message), the sender's epoch and view digest from the header included (encode
// asserts the decoded view is one a sender can hold). Seeds: every kind, before any failure
// and stamped with later views (tests/transport/sample_messages.hpp). Built with clang by
// tests/fuzz/CMakeLists.txt; run as ctest fuzz/codec.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "core/transport/codec.hpp"

namespace {

[[noreturn]] void die(const char* what) {
  std::fprintf(stderr, "codec_fuzz: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ringtmp;
  // Small, so oversized frames are exercised next to accepted ones (-max_len is 4096).
  const CodecLimits limits{2048};
  const std::span<const uint8_t> in(data, size);

  StatusOr<size_t> body = decode_body_length(in, limits);
  StatusOr<Message> m = decode(in, limits);
  if (!m.ok()) {
    if (m.status().message().empty()) die("rejected without saying why");
    return 0;
  }
  if (!body.ok() || *body + kFrameHeaderBytes != size) die("decode_body_length disagrees");
  std::vector<uint8_t> again;
  encode(*m, again);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) {
    die("re-encoding a decoded frame changed its bytes");
  }
  if (encoded_size(*m) != size) die("encoded_size != frame size");
  if (describe(*m).empty()) die("empty describe");
  return 0;
}
