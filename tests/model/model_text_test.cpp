// --model strings: presets, shapes through the layers, the round trip, and one error line
// naming the offending token.
#include "core/model/model_text.hpp"

#include <string>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {
const Shape kImage{1, 28, 28};

std::string error_of(std::string_view text, Shape input = kImage) {
  auto m = parse_model(text, input);
  REQUIRE(!m.ok());
  return std::string(m.status().message());
}
}  // namespace

TEST_CASE("lenet5 is the classic net: its shapes and 61,706 parameters") {
  auto m = parse_model("lenet5", kImage);
  REQUIRE(m.ok());
  REQUIRE(m->size() == 8);
  CHECK((*m)[0].out == Shape{6, 28, 28});
  CHECK((*m)[0].activation == Activation::relu);
  CHECK((*m)[1].out == Shape{6, 14, 14});
  CHECK((*m)[2].out == Shape{16, 10, 10});
  CHECK((*m)[3].out == Shape{16, 5, 5});
  CHECK((*m)[4].out == Shape{400, 1, 1});
  CHECK(m->back().out == Shape{10, 1, 1});
  CHECK(m->back().activation == Activation::none);
  int64_t params = 0;
  for (const auto& l : *m) params += layer_param_count(l);
  CHECK(params == 61706);
}

TEST_CASE("every preset parses on a 28x28 image and ends in 10 logits") {
  for (const auto& p : model_presets()) {
    CAPTURE(p.name);
    auto m = parse_model(p.name, kImage);
    REQUIRE(m.ok());
    CHECK(m->back().out_features() == 10);
    CHECK(layers_text(*m) == p.layers);  // a preset is its string
  }
}

TEST_CASE("a model string reads back as written") {
  for (std::string_view text : {"conv(4,3,stride=2,pad=1),tanh,avgpool(2,stride=1),flatten,dense(10)",
                                "flatten,dense(32),relu,dense(10)", "maxpool(3,stride=2),conv(2,1),flatten,dense(5)"}) {
    auto m = parse_model(text, {3, 9, 9});
    REQUIRE(m.ok());
    CHECK(layers_text(*m) == text);
  }
  // Named values in any order, blanks around tokens.
  auto m = parse_model(" conv(4, 3, pad=1, stride=2) , flatten , dense(10)", {3, 9, 9});
  REQUIRE(m.ok());
  CHECK(layers_text(*m) == "conv(4,3,stride=2,pad=1),flatten,dense(10)");
}

TEST_CASE("a bad model string names its token") {
  CHECK(error_of("conv(6,5),relu,maxpul(2),flatten,dense(10)").starts_with("token 3 'maxpul(2)': not a layer"));
  CHECK(error_of("conv(6),flatten,dense(10)").starts_with("token 1 'conv(6)': conv needs kernel"));
  CHECK(error_of("conv(6,x),flatten,dense(10)").find("'x' is not a whole number") != std::string::npos);
  CHECK(error_of("conv(6,3,pd=1),flatten,dense(10)").find("no setting 'pd'") != std::string::npos);
  CHECK(error_of("conv(6,3),dense(10)").starts_with("token 2 'dense(10)': dense needs a flat input"));
  CHECK(error_of("relu,flatten,dense(10)").starts_with("token 1 'relu': an activation needs a layer"));
  CHECK(error_of("flatten,dense(20),relu,tanh,dense(10)").starts_with("token 4 'tanh'"));
  CHECK(error_of("flatten,dense(10),relu").find("the last layer must be dense") != std::string::npos);
  CHECK(error_of("conv(6,3),maxpool(2)").find("the last layer must be dense") != std::string::npos);
  CHECK(error_of("conv(6,29),flatten,dense(10)").starts_with("token 1 'conv(6,29)': a 29x29 kernel"));
  CHECK(error_of("conv(6,3,flatten,dense(10)").find("unbalanced") != std::string::npos);
  CHECK(error_of("flatten,,dense(10)").starts_with("token 2 '': empty"));
  CHECK(error_of("flatten(2),dense(10)").starts_with("token 1 'flatten(2)': flatten takes no values"));
  CHECK(error_of("").find("token 1") != std::string::npos);
}

TEST_CASE("shapes: CxHxW or a width") {
  CHECK(*parse_shape("1x28x28") == Shape{1, 28, 28});
  CHECK(*parse_shape("784") == Shape{784, 1, 1});
  for (const char* bad : {"", "1x28", "0x28x28", "1x28x28x2", "ax3x3", "1x-2x3", "1x28x28 "}) {
    CAPTURE(bad);
    CHECK(!parse_shape(bad).ok());
  }
}
