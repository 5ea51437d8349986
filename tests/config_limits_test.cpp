// The size bounds of config_limits.hpp: exact counts below them, saturation past int64.
#include "core/config_limits.hpp"

#include <limits>
#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;

TEST_CASE("mlp_param_count counts weights and biases and saturates instead of overflowing") {
  CHECK(mlp_param_count(std::vector<int>{784, 256, 128, 10}) == 235146);
  CHECK(mlp_param_count(std::vector<int>{5}) == 0);
  // Three layers of (2^31-1)^2 parameters are past int64 (validate would refuse such
  // widths; the count must still not overflow).
  std::vector<int> huge(4, std::numeric_limits<int>::max());
  CHECK(mlp_param_count(huge) == std::numeric_limits<int64_t>::max());
  RunConfig c;
  c.layers = huge;
  CHECK(!check_model_limits(c).ok());
}

TEST_CASE("the limits sit where the header says") {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {1 << 15, 1 << 14};  // 2^29 + 2^14 parameters: just past 2 GiB of float32
  CHECK(!check_model_limits(c).ok());
  c.layers = {1 << 14, 1 << 14, 1 << 10};  // 2^28 + 2^24 + ...: under
  CHECK(check_model_limits(c).ok());
  c.layers = {1024, 10};
  c.synthetic_test = 0;
  c.synthetic_train = kMaxDatasetBytes / 4096;  // exactly the limit
  CHECK(check_dataset_limits(c).ok());
  c.synthetic_train += 1;
  CHECK(!check_dataset_limits(c).ok());
}
