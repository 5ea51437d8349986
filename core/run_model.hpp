#pragma once
// The model a run config describes: --model (a layer string or preset) on samples of shape
// --input, or, without --model, the MLP of --layers and --activation. Every strategy,
// backend and plan builds its layers here, so a conv model goes wherever an MLP goes.
#include <string>
#include <vector>

#include "core/config.hpp"
#include "core/model/layer_spec.hpp"
#include "core/status.hpp"

namespace ringtmp {

// The layers, or why the config's model is not one (the message names the key).
StatusOr<std::vector<LayerSpec>> config_layers(const RunConfig& c);
// The layers of a config that validated (RunConfig::validate checks config_layers).
std::vector<LayerSpec> model_layers(const RunConfig& c);
// Features per sample the model reads, and its classes (the last layer's units).
int model_input_features(const RunConfig& c);
int model_classes(const RunConfig& c);
int64_t model_param_count(const RunConfig& c);
// The model as the summaries name it: --model's text, or the MLP's widths "784,256,128,10".
std::string model_name(const RunConfig& c);

}  // namespace ringtmp
