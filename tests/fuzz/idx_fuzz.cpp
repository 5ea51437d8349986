// libFuzzer target: any file as an IDX file, plain or gzip, gets a verdict without reading
// past what it holds or allocating what its header merely claims. The first byte picks how
// the rest reaches read_idx:
//   0  the bytes as they are (the fuzzer can build a gzip header itself);
//   1  gzip-compressed whole: the same verdict and array as the bytes read plainly;
//   2  gzip-compressed, then cut short or one byte flipped (the second byte says where):
//      never accepted with different contents than the plain bytes.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <zlib.h>

#include "core/data/idx.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

const int64_t kMaxBytes = 1 << 20;

std::string scratch(const char* name) { return fuzz::scratch_path(std::string("idx-fuzz-") + name, ""); }

void write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  fuzz::write_file(path, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

std::vector<uint8_t> gzip(const std::vector<uint8_t>& in) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::vector<uint8_t> out(deflateBound(&z, uLong(in.size())) + 32);
  z.next_in = const_cast<Bytef*>(in.data());
  z.avail_in = uInt(in.size());
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::vector<uint8_t> idx(std::vector<uint32_t> dims, size_t n) {
  std::vector<uint8_t> b = {0, 0, 8, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int s : {24, 16, 8, 0}) b.push_back(uint8_t(d >> s));
  for (size_t i = 0; i < n; ++i) b.push_back(uint8_t(i * 7));
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  auto with_mode = [](uint8_t mode, std::vector<uint8_t> b) {
    b.insert(b.begin(), {mode, 0x80});
    return b;
  };
  fuzz::seed_corpus(*argc, *argv,
                    {with_mode(0, idx({3, 2, 2}, 12)), with_mode(1, idx({10}, 10)),
                     with_mode(2, idx({4, 5}, 20)), with_mode(0, gzip(idx({2, 3}, 6)))});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const uint8_t mode = data[0] % 3, where = data[1];
  const std::vector<uint8_t> body(data + 2, data + size);
  static const std::string plain_path = scratch("plain"), gz_path = scratch("gz");
  write_file(plain_path, body);
  auto plain = read_idx(plain_path, kMaxBytes);
  if (plain.ok()) {
    int64_t count = 1;
    for (uint32_t d : plain->dims) count *= d;
    if (count != int64_t(plain->data.size())) std::abort();
  } else if (plain.status().message().find(plain_path) == std::string::npos) {
    std::abort();  // every error names the file
  }
  // A body that is itself gzip would be read through one layer plainly and two packed.
  if (mode == 0 || (body.size() >= 2 && body[0] == 0x1f && body[1] == 0x8b)) return 0;

  auto gz = gzip(body);
  if (mode == 2 && !gz.empty()) {
    const size_t at = where * gz.size() / 256;
    if (where & 1) gz.resize(at);  // cut short: must never be accepted
    else gz[at] ^= 0x5a;
  }
  write_file(gz_path, gz);
  auto packed = read_idx(gz_path, kMaxBytes);
  if (mode == 1 && packed.ok() != plain.ok()) std::abort();
  if (mode == 2 && (where & 1) && packed.ok()) std::abort();
  if (packed.ok() && (!plain.ok() || packed->dims != plain->dims || packed->data != plain->data)) std::abort();
  return 0;
}
