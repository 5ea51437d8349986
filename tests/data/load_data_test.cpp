// load_data: what the config asks for is bounded before anything is allocated, and a
// dataset whose shape is not the model's is refused before any training reads it.
#include "core/data/load_data.hpp"

#include <string>

#include <doctest/doctest.h>

#include "tests/data/idx_files.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using namespace ringtmp::testing;

namespace {

std::string error_of(const RunConfig& c) {
  auto d = load_data(c);
  REQUIRE_MESSAGE(!d.ok(), "load_data accepted it");
  INFO("message: " << d.status().message());
  CHECK(d.status().message().find('\n') == std::string::npos);
  return d.status().message();
}

}  // namespace

TEST_CASE("Fashion-MNIST images of another shape than the model's input are refused") {
  // Regression: 1x1 images made evaluate read past every sample (SIGSEGV), 28x29 images
  // trained to exit 0 with 812 features beside a 784-wide model.
  for (auto [rows, cols, features] : {std::tuple{1u, 1u, 1}, {28u, 29u, 812}, {28u, 27u, 756}}) {
    CAPTURE(features);
    TempDir dir;
    write_mini_fashion_mnist(dir, 12, 5, true, rows, cols);
    RunConfig c;
    c.layers = {784, 32, 10};
    c.data_dir = dir.path().string();
    const std::string m = error_of(c);
    CHECK(m.find(c.data_dir) != std::string::npos);
    CHECK(m.find(std::to_string(features) + " features") != std::string::npos);
    CHECK(m.find("input width is 784") != std::string::npos);
  }
  TempDir dir;
  write_mini_fashion_mnist(dir, 12, 5, false, 28, 28);
  RunConfig c;
  c.layers = {784, 32, 10};
  c.data_dir = dir.path().string();
  auto d = load_data(c);
  REQUIRE_MESSAGE(d.ok(), d.status().message());
  CHECK(d->train.features() == 784);
}

TEST_CASE("a synthetic set or a model past its limit is refused before allocating, naming the limit") {
  // Regression: both ended in std::terminate (bad_alloc) inside the allocation.
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {784, 10};
  c.synthetic_train = 4294967297;
  std::string m = error_of(c);
  CHECK(m.find("synthetic-train: 4294967297") != std::string::npos);
  CHECK(m.find("limit of 4.0 GiB") != std::string::npos);

  c.synthetic_train = 1000;
  c.synthetic_test = int64_t(1) << 62;
  m = error_of(c);
  CHECK(m.find("synthetic-test") != std::string::npos);

  c.synthetic_test = 100;
  c.layers = {1048576, 1048576, 3};
  m = error_of(c);
  CHECK(m.find("layers: 1048576,1048576,3") != std::string::npos);
  CHECK(m.find("1099515822083 parameters") != std::string::npos);
  CHECK(m.find("limit is 2.0 GiB") != std::string::npos);

  // Timing-only runs allocate one placeholder batch: that is bounded too.
  c.layers = {1048576, 3};
  c.timing_only = true;
  c.iterations = 1;
  c.batch = 1 << 20;
  m = error_of(c);
  CHECK(m.find("batch: 1048576") != std::string::npos);
}
