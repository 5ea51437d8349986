// describe and to_string for typed messages: one log line per message, sizes not contents.
#include "core/transport/message.hpp"

#include <fmt/format.h>

namespace ringtmp {

namespace {

// Control text comes from a peer (or from garbage that happened to decode): escape anything
// that would break the one-line promise or a terminal.
std::string escaped(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else {
      out += char(c);
    }
  }
  return out;
}

std::string code_name(Control::Code code) {
  switch (code) {
    case Control::Code::stop: return "stop";
    case Control::Code::error: return "error";
    case Control::Code::done: return "done";
    case Control::Code::join: return "join";
    case Control::Code::admit: return "admit";
  }
  return fmt::format("code {}", int(code));
}

struct Describer {
  std::string operator()(const Activations& m) const {
    return fmt::format("activations(it={} mb={} {}x{})", m.iteration, m.microbatch,
                       m.block.rows, m.block.cols);
  }
  std::string operator()(const Gradients& m) const {
    return fmt::format("gradients(it={} mb={} {}x{})", m.iteration, m.microbatch,
                       m.block.rows, m.block.cols);
  }
  std::string operator()(const Labels& m) const {
    return fmt::format("labels(it={} mb={} {} labels)", m.iteration, m.microbatch,
                       m.labels.size());
  }
  std::string operator()(const Token& m) const {
    return fmt::format("token(it={} mb={})", m.iteration, m.microbatch);
  }
  std::string operator()(const PushGradient& m) const {
    return fmt::format("push_gradient(it={} shard={} position={} {} values)", m.iteration, m.shard, m.position,
                       m.values.size());
  }
  std::string operator()(const ParamShard& m) const {
    return fmt::format("param_shard(it={} shard={} position={} {} values)", m.iteration, m.shard, m.position,
                       m.values.size());
  }
  std::string operator()(const ReduceChunk& m) const {
    return fmt::format("reduce_chunk(it={} step={} chunk={} {} values)", m.iteration, m.step,
                       m.chunk, m.values.size());
  }
  std::string operator()(const Control& m) const {
    if (m.text.empty()) return fmt::format("control({})", code_name(m.code));
    return fmt::format("control({}: {})", code_name(m.code), escaped(m.text));
  }
  std::string operator()(const Resync& m) const {
    return fmt::format("resync(it={} part={} {} values)", m.iteration, m.part, m.state.size());
  }
  std::string operator()(const StageReplica& m) const {
    return fmt::format("stage_replica(it={} layers={}..{} {} {} values)", m.iteration, m.first_layer, m.end_layer,
                       m.what == StageReplica::What::gradient ? "gradient" : "state", m.values.size());
  }
  std::string operator()(const ShardReplica& m) const {
    static constexpr const char* kWhat[] = {"?", "sum", "ack", "state", "request", "copy", "clock"};
    const auto what = size_t(m.what) < std::size(kWhat) ? kWhat[size_t(m.what)] : "?";
    if (m.what == ShardReplica::What::clock)
      return fmt::format("shard_replica(it={} shard={} clock position={})", m.iteration, m.shard, m.position);
    return fmt::format("shard_replica(it={} shard={} {} {} values)", m.iteration, m.shard, what, m.values.size());
  }
};

}  // namespace

std::string describe(const Message& m) {
  std::string line = std::visit(Describer{}, m.payload);
  // Every payload's line ends in ')'; the epoch goes inside it, only once a failure was seen.
  if (m.epoch != 0) line.insert(line.size() - 1, fmt::format(" epoch={}", m.epoch));
  return line;
}

const char* to_string(MessageKind k) {
  switch (k) {
    case MessageKind::activations: return "activations";
    case MessageKind::gradients: return "gradients";
    case MessageKind::labels: return "labels";
    case MessageKind::token: return "token";
    case MessageKind::push_gradient: return "push_gradient";
    case MessageKind::param_shard: return "param_shard";
    case MessageKind::reduce_chunk: return "reduce_chunk";
    case MessageKind::control: return "control";
    case MessageKind::resync: return "resync";
    case MessageKind::stage_replica: return "stage_replica";
    case MessageKind::shard_replica: return "shard_replica";
  }
  return "unknown";
}

}  // namespace ringtmp
