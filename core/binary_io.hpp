#pragma once
// Little-endian binary files (node outcomes, checkpoints): a Writer that appends, a Reader
// that checks every read and every count against the bytes left before anyone allocates,
// and the pieces both files share.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "core/strategy/node_outcome.hpp"

namespace ringtmp {

// Appends by resize + memcpy, not vector::insert: GCC 12 at -O3 inlines insert's
// reallocation path into the encoders and reports a bogus -Wstringop-overflow ("writing
// 1 byte into a region of size 0") on it, once per call site.
class Writer {
 public:
  void bytes(const void* p, size_t n) {
    if (n == 0) return;
    const size_t at = out.size();
    out.resize(at + n);
    std::memcpy(out.data() + at, p, n);
  }
  template <class T>
  void pod(T v) {
    bytes(&v, sizeof(T));  // x86-64 and aarch64 are little-endian
  }
  void text(const std::string& s) {
    pod(uint64_t(s.size()));
    bytes(s.data(), s.size());
  }
  std::vector<uint8_t> out;
};

class Reader {
 public:
  explicit Reader(std::span<const uint8_t> in) : in_(in) {}
  template <class T>
  bool pod(T& v) {
    if (in_.size() - pos_ < sizeof(T)) return false;
    std::memcpy(&v, in_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return true;
  }
  // A count of `each`-byte items, checked against what is left before anyone allocates.
  bool count(uint64_t& n, size_t each) {
    return pod(n) && n <= (in_.size() - pos_) / std::max<size_t>(each, 1);
  }
  bool text(std::string& s) {
    uint64_t n = 0;
    if (!count(n, 1)) return false;
    s.assign(reinterpret_cast<const char*>(in_.data() + pos_), n);
    pos_ += n;
    return true;
  }
  // `n` raw bytes (a float array in one copy).
  bool bytes(void* p, size_t n) {
    if (in_.size() - pos_ < n) return false;
    if (n > 0) std::memcpy(p, in_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }

 private:
  std::span<const uint8_t> in_;
  size_t pos_ = 0;
};

// No control characters: the text goes into one-line messages and CSV cells.
inline bool one_line(const std::string& text) {
  return std::none_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
}

// The loss records that outcome files and checkpoints both hold, 32 bytes each.
inline void write_losses(Writer& w, const std::vector<LossRecord>& losses) {
  w.pod(uint64_t(losses.size()));
  for (const auto& l : losses) {
    w.pod(l.iteration);
    w.pod(l.time);
    w.pod(l.loss_sum);
    w.pod(l.samples);
  }
}
inline bool read_losses(Reader& r, std::vector<LossRecord>& losses) {
  uint64_t n = 0;
  if (!r.count(n, 32)) return false;
  losses.resize(n);
  for (auto& l : losses)
    if (!r.pod(l.iteration) || !r.pod(l.time) || !r.pod(l.loss_sum) || !r.pod(l.samples)) return false;
  return true;
}

}  // namespace ringtmp
