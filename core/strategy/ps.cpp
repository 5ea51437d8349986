#include "core/run_model.hpp"
#include "core/strategy/ps.hpp"

#include <fmt/format.h>

#include "core/model/layer_spec.hpp"

namespace ringtmp {

PsLayout ps_layout(const RunConfig& c) {
  PsLayout l;
  l.workers = c.nodes;
  l.servers = c.servers;
  size_t total = 0;
  for (const auto& spec : model_layers(c)) total += size_t(layer_param_count(spec));
  for (int k = 0; k <= c.servers; ++k) l.shard_begin.push_back(total * size_t(k) / size_t(c.servers));
  return l;
}

std::string ps_roles(const RunConfig& c) {
  return fmt::format("{} worker{} + {} server{}", c.nodes, c.nodes == 1 ? "" : "s", c.servers, c.servers == 1 ? "" : "s");
}

}  // namespace ringtmp
