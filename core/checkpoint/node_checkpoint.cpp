#include "core/checkpoint/node_checkpoint.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <string_view>

#include "core/binary_io.hpp"
#include "core/config_limits.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/text_file.hpp"

namespace ringtmp {
namespace {

constexpr char kMagic[4] = {'R', 'T', 'C', '1'};
constexpr size_t kHeaderBytes = 4 + 4 + 8 + 8;  // magic, version, payload length, checksum
// The most a part holds is the whole model three times over (a local trainer's parameters
// and momentum, or a stage's parameters plus its neighbours' shadows), plus room for the
// config text, the names and one loss record (32 bytes) per iteration.
constexpr size_t kMaxCheckpointFileBytes = 3 * size_t(kMaxModelBytes) + (size_t(256) << 20);

uint64_t fnv1a64(std::span<const uint8_t> bytes) {
  uint64_t h = 14695981039346656037ull;
  for (uint8_t b : bytes) h = (h ^ b) * 1099511628211ull;
  return h;
}

// The payload after its checksum held: what is wrong here was written so (or forged).
StatusOr<NodeCheckpoint> decode_payload(std::span<const uint8_t> payload) {
  const auto bad = [](const char* what) { return Status::errorf("bad checkpoint payload: {}", what); };
  Reader r(payload);
  NodeCheckpoint c;
  int32_t part = 0, parts = 0;
  if (!r.text(c.config) || !r.pod(part) || !r.pod(parts) || !r.text(c.role) || !r.pod(c.iteration) ||
      !r.pod(c.samples) || !r.pod(c.clock))
    return bad("truncated before the losses");
  if (parts < 1) return bad("fewer than one part");
  if (part < 0 || part >= parts) return bad("part outside [0, parts)");
  if (c.iteration < 0 || c.samples < 0) return bad("negative iteration or samples");
  if (!std::isfinite(c.clock)) return bad("clock not finite");
  if (!one_line(c.role)) return bad("role not on one line");
  c.part = part;
  c.parts = parts;
  if (!read_losses(r, c.losses)) return bad("loss count beyond the payload");
  uint64_t n = 0;
  // A tensor takes at least its name's length and its count.
  if (!r.count(n, 16)) return bad("tensor count beyond the payload");
  c.tensors.resize(n);
  for (auto& t : c.tensors) {
    uint64_t values = 0;
    if (!r.text(t.name) || !r.count(values, sizeof(float))) return bad("tensor size beyond the payload");
    if (!one_line(t.name)) return bad("tensor name not on one line");
    t.values.resize(values);
    r.bytes(t.values.data(), values * sizeof(float));
  }
  if (!r.done()) return bad("trailing bytes");
  return c;
}

// Makes a rename in `dir` durable; 0 or an errno.
int sync_folder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int error = ::fsync(fd) != 0 ? errno : 0;
  ::close(fd);
  return error;
}

}  // namespace

const CheckpointTensor* NodeCheckpoint::find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

std::vector<uint8_t> encode_checkpoint(const NodeCheckpoint& c) {
  size_t size = kHeaderBytes + 64 + c.config.size() + c.role.size() + c.losses.size() * 32;
  for (const auto& t : c.tensors) size += 16 + t.name.size() + t.values.size() * sizeof(float);
  Writer w;
  w.out.reserve(size);  // sized once: a part's tensors may be the whole model
  w.bytes(kMagic, sizeof kMagic);
  w.pod(kCheckpointVersion);
  w.pod(uint64_t(0));  // payload length and checksum, filled in below
  w.pod(uint64_t(0));
  w.text(c.config);
  w.pod(int32_t(c.part));
  w.pod(int32_t(c.parts));
  w.text(c.role);
  w.pod(c.iteration);
  w.pod(c.samples);
  w.pod(c.clock);
  write_losses(w, c.losses);
  w.pod(uint64_t(c.tensors.size()));
  for (const auto& t : c.tensors) {
    w.text(t.name);
    w.pod(uint64_t(t.values.size()));
    w.bytes(t.values.data(), t.values.size() * sizeof(float));
  }
  const auto payload = std::span(w.out).subspan(kHeaderBytes);
  const uint64_t length = payload.size(), checksum = fnv1a64(payload);
  std::memcpy(w.out.data() + 8, &length, 8);
  std::memcpy(w.out.data() + 16, &checksum, 8);
  return std::move(w.out);
}

StatusOr<NodeCheckpoint> decode_checkpoint(std::span<const uint8_t> bytes) {
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    return Status::error("not a checkpoint file");
  Reader r(bytes.subspan(sizeof kMagic));
  uint32_t version = 0;
  if (!r.pod(version)) return Status::errorf("truncated: {} of {} header bytes", bytes.size(), kHeaderBytes);
  if (version != kCheckpointVersion)
    return Status::errorf("format version {}, this build reads {}", version, kCheckpointVersion);
  uint64_t length = 0, checksum = 0;
  if (!r.pod(length) || !r.pod(checksum))
    return Status::errorf("truncated: {} of {} header bytes", bytes.size(), kHeaderBytes);
  const auto payload = bytes.subspan(kHeaderBytes);
  if (payload.size() < length) return Status::errorf("truncated: {} of {} payload bytes", payload.size(), length);
  if (payload.size() > length)
    return Status::errorf("{} trailing bytes after the {}-byte payload", payload.size() - length, length);
  if (fnv1a64(payload) != checksum) return Status::error("checksum mismatch");
  return decode_payload(payload);
}

Status write_checkpoint_file(const std::string& path, const NodeCheckpoint& c) {
  namespace fs = std::filesystem;
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && (fs::create_directories(parent, ec), ec))
    return Status::errorf("{}: cannot create its folder ({})", printable_path(path), ec.message());
  const auto bytes = encode_checkpoint(c);
  const std::string tmp = path + ".tmp";
  Status written = write_whole_file(tmp, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  if (!written.ok()) return written;
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(tmp.c_str());
    return Status::errorf("{}: cannot rename the written file over it ({})", printable_path(path), std::strerror(error));
  }
  if (const int error = sync_folder(parent.empty() ? "." : parent.string()))
    return Status::errorf("{}: cannot sync its folder ({})", printable_path(path), std::strerror(error));
  return {};
}

StatusOr<NodeCheckpoint> read_checkpoint_file(const std::string& path) {
  auto bytes = read_text_file(path, "", kMaxCheckpointFileBytes);
  if (!bytes.ok()) return bytes.status();
  auto c = decode_checkpoint(std::span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size()));
  if (!c.ok()) return Status::errorf("{}: {}", printable_path(path), c.status().message());
  return c;
}

}  // namespace ringtmp
