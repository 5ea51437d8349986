#include "core/model/model_text.hpp"

#include <array>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "core/parse_number.hpp"
#include "core/quote_input.hpp"

namespace ringtmp {
namespace {

constexpr std::string_view kLayerNames = "conv, maxpool, avgpool, flatten, dense, relu, tanh";

// LeNet-5 as PyTorch tutorials write it for 28x28 inputs (the first conv padded by 2, so
// the classic 32x32 geometry follows). The VGG-style net: three blocks of two 3x3 convs and
// a 2x2 max pool (32, 64, 128 channels), then a 256-unit dense layer: ~0.6 M parameters
// and ~0.18 GFLOP of training per 28x28 sample, 400 KB of activations per sample: a model
// whose activations, not its parameters, fill a device.
constexpr std::array kPresets = {
    ModelPreset{"lenet5",
                "conv(6,5,pad=2),relu,maxpool(2),conv(16,5),relu,maxpool(2),flatten,dense(120),relu,dense(84),relu,"
                "dense(10)",
                "LeNet-5 for 28x28 images, 61,706 parameters"},
    ModelPreset{"vgg-small",
                "conv(32,3,pad=1),relu,conv(32,3,pad=1),relu,maxpool(2),conv(64,3,pad=1),relu,conv(64,3,pad=1),relu,"
                "maxpool(2),conv(128,3,pad=1),relu,conv(128,3,pad=1),relu,maxpool(2),flatten,dense(256),relu,dense(10)",
                "VGG-style: 3 blocks of two 3x3 convs (32, 64, 128 channels) and a max pool, dense 256"},
};

std::optional<Activation> activation_named(std::string_view name) {
  if (name == "relu") return Activation::relu;
  if (name == "tanh") return Activation::tanh;
  return std::nullopt;
}

struct Token {
  std::string_view text;  // the whole token, as written
  std::string_view name;
  std::vector<std::string_view> args;  // between the parentheses, split at commas
};

// Splits at the commas outside parentheses; an error names the token that does not close.
StatusOr<std::vector<Token>> tokens(std::string_view text) {
  std::vector<Token> out;
  size_t begin = 0;
  int depth = 0;
  auto trim = [](std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
  };
  for (size_t i = 0; i <= text.size(); ++i) {
    const char ch = i < text.size() ? text[i] : ',';
    if (ch == '(') ++depth;
    else if (ch == ')') --depth;
    if (depth < 0 || (i == text.size() && depth > 0))
      return Status::errorf("token {} {}: unbalanced parentheses", out.size() + 1,
                            quote_input(trim(text.substr(begin, i - begin))));
    if (ch != ',' || depth > 0) continue;
    Token t;
    t.text = trim(text.substr(begin, i - begin));
    begin = i + 1;
    const size_t open = t.text.find('(');
    t.name = trim(t.text.substr(0, open));
    if (open != std::string_view::npos) {
      if (t.text.back() != ')')
        return Status::errorf("token {} {}: text after ')'", out.size() + 1, quote_input(t.text));
      std::string_view inner = t.text.substr(open + 1, t.text.size() - open - 2);
      size_t from = 0;
      for (size_t j = 0; j <= inner.size(); ++j)
        if (j == inner.size() || inner[j] == ',') {
          t.args.push_back(trim(inner.substr(from, j - from)));
          from = j + 1;
        }
    }
    out.push_back(t);
  }
  return out;
}

// Reads a token's arguments: `positional` names in order, then key=value for any of them.
// Each value an integer; a missing required one or an unknown key is an error.
struct Args {
  std::array<std::optional<int>, 4> values{};
};
StatusOr<Args> read_args(const Token& t, std::span<const std::string_view> names, size_t required) {
  Args a;
  bool named_seen = false;
  for (size_t i = 0; i < t.args.size(); ++i) {
    std::string_view arg = t.args[i], key;
    size_t slot = i;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      key = arg.substr(0, eq);
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      arg = arg.substr(eq + 1);
      while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
      slot = names.size();
      for (size_t n = 0; n < names.size(); ++n)
        if (names[n] == key) slot = n;
      if (slot == names.size())
        return Status::errorf("{} has no setting {}", t.name, quote_input(key));
      named_seen = true;
    } else if (named_seen) {
      return Status::errorf("a positional value after a named one");
    }
    if (slot >= names.size()) return Status::errorf("{} takes at most {} values", t.name, names.size());
    if (a.values[slot]) return Status::errorf("{} given twice", names[slot]);
    const auto v = parse_number<int>(arg);
    if (!v) return Status::errorf("{} {} is not a whole number", names[slot], quote_input(arg));
    a.values[slot] = *v;
  }
  for (size_t n = 0; n < required; ++n)
    if (!a.values[n]) return Status::errorf("{} needs {}", t.name, names[n]);
  return a;
}

StatusOr<LayerKind> layer_kind(const Token& t) {
  auto no_args = [&](LayerKind k) -> StatusOr<LayerKind> {
    if (t.text.find('(') != std::string_view::npos) return Status::errorf("{} takes no values", t.name);
    return k;
  };
  if (t.name == "flatten") return no_args(layer::Flatten{});
  if (t.name == "dense") {
    static constexpr std::array<std::string_view, 1> names = {"units"};
    auto a = read_args(t, names, 1);
    if (!a.ok()) return a.status();
    return LayerKind{layer::Dense{*a->values[0]}};
  }
  if (t.name == "conv") {
    static constexpr std::array<std::string_view, 4> names = {"channels", "kernel", "stride", "pad"};
    auto a = read_args(t, names, 2);
    if (!a.ok()) return a.status();
    return LayerKind{layer::Conv2d{*a->values[0], *a->values[1], a->values[2].value_or(1), a->values[3].value_or(0)}};
  }
  if (t.name == "maxpool" || t.name == "avgpool") {
    static constexpr std::array<std::string_view, 2> names = {"kernel", "stride"};
    auto a = read_args(t, names, 1);
    if (!a.ok()) return a.status();
    const int k = *a->values[0], s = a->values[1].value_or(k);
    if (t.name == "maxpool") return LayerKind{layer::MaxPool2d{k, s}};
    return LayerKind{layer::AvgPool2d{k, s}};
  }
  std::string presets;
  for (const auto& p : kPresets) presets += fmt::format("{}{}", presets.empty() ? "" : ", ", p.name);
  return Status::errorf("not a layer ({}; or a whole model preset: {})", kLayerNames, presets);
}

}  // namespace

std::span<const ModelPreset> model_presets() { return kPresets; }

StatusOr<Shape> parse_shape(std::string_view text) {
  std::array<int, 3> dims{1, 1, 1};
  size_t n = 0, from = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    if (i < text.size() && text[i] != 'x') continue;
    const auto v = n < 3 ? parse_number<int>(text.substr(from, i - from)) : std::nullopt;
    if (!v || *v < 1 || *v > (1 << 20))
      return Status::errorf("{} is not a shape: write CxHxW (e.g. 1x28x28) or a width, each in 1..1048576",
                            quote_input(text));
    dims[n++] = *v;
    from = i + 1;
  }
  if (n == 2) return Status::errorf("{} is not a shape: write CxHxW (e.g. 1x28x28) or a width", quote_input(text));
  const Shape s{dims[0], dims[1], dims[2]};
  if (s.size() > (int64_t(1) << 30)) return Status::errorf("{} has more than 2^30 features", quote_input(text));
  return s;
}

StatusOr<std::vector<LayerSpec>> parse_model(std::string_view text, Shape input) {
  for (const auto& p : kPresets)
    if (text == p.name) return parse_model(p.layers, input);
  auto list = tokens(text);
  if (!list.ok()) return list.status();
  std::vector<LayerSpec> layers;
  Shape shape = input;
  for (size_t i = 0; i < list->size(); ++i) {
    const Token& t = (*list)[i];
    auto fail = [&](const Status& why) {
      return Status::errorf("token {} {}: {}", i + 1, quote_input(t.text), why.message());
    };
    if (t.text.empty()) return fail(Status::errorf("empty (two commas in a row, or one at an end)"));
    if (const auto a = activation_named(t.name)) {
      if (t.text != t.name) return fail(Status::errorf("{} takes no values", t.name));
      if (layers.empty()) return fail(Status::errorf("an activation needs a layer before it"));
      if (layers.back().activation != Activation::none)
        return fail(Status::errorf("the layer before already has {}", to_string(layers.back().activation)));
      layers.back().activation = *a;
      continue;
    }
    auto kind = layer_kind(t);
    if (!kind.ok()) return fail(kind.status());
    auto l = make_layer(*kind, shape, Activation::none);
    if (!l.ok()) return fail(l.status());
    shape = l->out;
    layers.push_back(std::move(*l));
  }
  if (layers.empty()) return Status::errorf("no layers");
  const LayerSpec& last = layers.back();
  if (!std::holds_alternative<layer::Dense>(last.kind) || last.activation != Activation::none)
    return Status::errorf("token {} {}: the last layer must be dense(CLASSES) with no activation (its outputs are "
                          "the logits)", list->size(), quote_input(list->back().text));
  return layers;
}

}  // namespace ringtmp
