// Writes the seed corpus of the codec fuzzer: one valid frame per sample message
// (tests/transport/sample_messages.hpp: every kind at epoch 0 and again stamped with a later
// membership view), as DIR/seed_NN. Usage: codec_fuzz_seeds DIR
#include <cstdio>
#include <string>
#include <vector>

#include "core/transport/codec.hpp"
#include "tests/transport/sample_messages.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  int n = 0;
  for (const ringtmp::Message& m : ringtmp::testing::sample_messages()) {
    std::vector<uint8_t> frame;
    ringtmp::encode(m, frame);
    const std::string path = std::string(argv[1]) + "/seed_" + std::to_string(n++);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(frame.data(), 1, frame.size(), f) != frame.size() || std::fclose(f)) {
      std::fprintf(stderr, "codec_fuzz_seeds: cannot write %s\n", path.c_str());
      return 1;
    }
  }
  return 0;
}
