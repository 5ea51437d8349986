#pragma once
// A model as --model spells it: layers separated by commas, e.g.
//   conv(6,5,pad=2),relu,maxpool(2),conv(16,5),relu,maxpool(2),flatten,dense(120),relu,dense(84),relu,dense(10)
// or a preset's name (lenet5, vgg-small). Layers:
//   conv(CHANNELS,KERNEL[,stride=S][,pad=P])   square kernel; stride 1, pad 0 by default
//   maxpool(KERNEL[,stride=S]) avgpool(...)    stride = kernel by default; no padding
//   flatten                                    c x h x w -> c*h*w
//   dense(UNITS)                               needs a flat input
//   relu, tanh                                 the activation of the layer before
// The last layer must be a dense layer without activation: its units are the classes.
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/layer_spec.hpp"
#include "core/status.hpp"

namespace ringtmp {

struct ModelPreset {
  std::string_view name;
  std::string_view layers;  // a model string
  std::string_view about;
};
std::span<const ModelPreset> model_presets();

// The layers of `text` on inputs of shape `input`, or one line naming the offending token:
// "token 3 'maxpul(2)': not a layer (conv, maxpool, ...)".
StatusOr<std::vector<LayerSpec>> parse_model(std::string_view text, Shape input);

// "1x28x28" -> {1, 28, 28}; "784" -> {784, 1, 1}.
StatusOr<Shape> parse_shape(std::string_view text);

}  // namespace ringtmp
