#include "core/run_model.hpp"

#include <cstdlib>

#include <fmt/format.h>

#include "core/config_limits.hpp"
#include "core/model/model_text.hpp"

namespace ringtmp {

StatusOr<std::vector<LayerSpec>> config_layers(const RunConfig& c) {
  if (c.model.empty()) return mlp_layers(c.layers, c.activation);
  auto input = parse_shape(c.input);
  if (!input.ok()) return Status::errorf("invalid value for input: {}", input.status().message());
  auto layers = parse_model(c.model, *input);
  if (!layers.ok()) return Status::errorf("invalid value for model: {}", layers.status().message());
  return layers;
}

std::vector<LayerSpec> model_layers(const RunConfig& c) {
  auto layers = config_layers(c);
  if (!layers.ok()) {  // a programmer error: every entry point validates the config first
    fmt::print(stderr, "ringtmp: internal error: an unvalidated model reached a run: {}\n", layers.status().message());
    std::abort();
  }
  return std::move(*layers);
}

int model_input_features(const RunConfig& c) {
  return c.model.empty() ? c.layers.front() : model_layers(c).front().in_features();
}
int model_classes(const RunConfig& c) {
  return c.model.empty() ? c.layers.back() : model_layers(c).back().out_features();
}
int64_t model_param_count(const RunConfig& c) {
  if (c.model.empty()) return mlp_param_count(c.layers);  // saturates instead of overflowing
  int64_t total = 0;
  for (const auto& l : model_layers(c)) total += layer_param_count(l);
  return total;
}
std::string model_name(const RunConfig& c) { return c.model.empty() ? join_ints(c.layers) : c.model; }

}  // namespace ringtmp
