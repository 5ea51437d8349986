// describe: one line per message naming its kind, ids and sizes (never the floats), and
// to_string for every kind.
#include "core/transport/message.hpp"

#include <doctest/doctest.h>

#include "tests/transport/sample_messages.hpp"

using namespace ringtmp;
using ringtmp::testing::block;
using ringtmp::testing::ramp;

TEST_CASE("describe names the kind, the ids and the sizes") {
  CHECK(describe(Message{Activations{3, 1, block(64, 256)}}) == "activations(it=3 mb=1 64x256)");
  CHECK(describe(Message{Gradients{3, 1, block(10, 2)}}) == "gradients(it=3 mb=1 10x2)");
  CHECK(describe(Message{Labels{5, 0, {1, 2, 3}}}) == "labels(it=5 mb=0 3 labels)");
  CHECK(describe(Message{Token{6, 2}}) == "token(it=6 mb=2)");
  CHECK(describe(Message{PushGradient{4, 1, ramp(1000)}}) ==
        "push_gradient(it=4 shard=1 position=0 1000 values)");
  CHECK(describe(Message{ParamShard{4, 0, ramp(3)}}) == "param_shard(it=4 shard=0 position=0 3 values)");
  CHECK(describe(Message{ReduceChunk{8, 2, 1, ramp(7)}}) ==
        "reduce_chunk(it=8 step=2 chunk=1 7 values)");
  CHECK(describe(Message{Control{Control::Code::error, "text"}}) == "control(error: text)");
  CHECK(describe(Message{Control{Control::Code::stop, ""}}) == "control(stop)");
}

TEST_CASE("describe shows the sender's epoch once a failure was seen, not its digest") {
  Message m{Activations{3, 1, block(64, 256)}};
  m.view_digest = 0x1234;  // the digest is for the receiver's check, too long for a log line
  m.epoch = 1;
  CHECK(describe(m) == "activations(it=3 mb=1 64x256 epoch=1)");
  m = Message{Control{Control::Code::stop, ""}, 2, 7};
  CHECK(describe(m) == "control(stop epoch=2)");
  m = Message{Token{6, 2}, 0, 0};
  CHECK(describe(m) == "token(it=6 mb=2)");
}

TEST_CASE("describe stays on one line whatever the control text holds") {
  const Message m{Control{Control::Code::error, std::string("a\nb\tc\\d\x01", 8)}};
  CHECK(describe(m) == "control(error: a\\nb\\tc\\\\d\\x01)");
  // A code no sender would use (only garbage could carry it) still prints.
  CHECK(describe(Message{Control{Control::Code(9), "x"}}) == "control(code 9: x)");
}

TEST_CASE("every kind has a name and the kind follows the payload") {
  for (const Message& m : testing::sample_messages()) {
    const std::string name = to_string(m.kind());
    CHECK(describe(m).rfind(name + "(", 0) == 0);
  }
  CHECK(std::string(to_string(MessageKind::reduce_chunk)) == "reduce_chunk");
  CHECK(std::string(to_string(MessageKind::control)) == "control");
  CHECK(std::string(to_string(MessageKind(0))) == "unknown");
  CHECK(std::string(to_string(MessageKind(kMessageKinds + 1))) == "unknown");
  CHECK(Message{Control{}}.kind() == MessageKind::control);
  CHECK(Message{Activations{}}.kind() == MessageKind::activations);
}
