#include "core/data/file_bytes.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string_view>

#include <zlib.h>

#include "core/text_file.hpp"

namespace ringtmp {

struct FileBytes::Inflater {
  z_stream s{};
};

FileBytes::FileBytes(std::string path) : path_(std::move(path)) {}

StatusOr<std::unique_ptr<FileBytes>> FileBytes::open(const std::string& path) {
  auto fd = open_regular_file(path, "");
  if (!fd.ok()) return fd.status();
  std::unique_ptr<FileBytes> f(new FileBytes(path));
  f->fd_ = *fd;
  if (auto s = f->refill(); !s.ok()) return s;
  f->gzip_ = f->in_.size() >= 2 && f->in_[0] == 0x1f && f->in_[1] == 0x8b;
  if (f->gzip_) {
    f->z_ = std::make_unique<Inflater>();
    if (inflateInit2(&f->z_->s, 15 + 16) != Z_OK)  // 15: the largest window; +16: gzip only
      return Status::errorf("{}: cannot start zlib's inflate (out of memory?)", path);
  }
  return f;
}

FileBytes::~FileBytes() {
  if (z_) inflateEnd(&z_->s);
  if (fd_ >= 0) ::close(fd_);
}

Status FileBytes::refill() {
  constexpr size_t kChunk = size_t(64) << 10;
  in_.resize(kChunk);
  in_pos_ = 0;
  for (;;) {
    const ssize_t got = ::read(fd_, in_.data(), kChunk);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      in_.clear();
      return Status::errorf("{}: read error ({})", path_, std::strerror(errno));
    }
    in_.resize(size_t(got));
    file_eof_ = got == 0;
    return {};
  }
}

Status FileBytes::zlib_error(int code) const {
  const std::string_view msg = z_->s.msg ? z_->s.msg : zError(code);
  if (msg == "incorrect data check")
    return Status::errorf("{}: gzip CRC-32 does not match the data: the file is corrupt", path_);
  if (msg == "incorrect length check")
    return Status::errorf("{}: gzip length field does not match the data: the file is corrupt", path_);
  return Status::errorf("{}: corrupt compressed data ({})", path_, msg);
}

StatusOr<size_t> FileBytes::inflate_into(uint8_t* out, size_t n) {
  auto& s = z_->s;
  size_t done = 0;
  while (done < n && !stream_end_) {
    if (in_pos_ == in_.size() && !file_eof_)
      if (auto st = refill(); !st.ok()) return st;
    if (in_pos_ == in_.size() && file_eof_)
      return Status::errorf("{}: file is truncated: it ends inside its gzip stream, before the stream's "
                            "end marker, CRC-32 and length", path_);
    s.next_in = in_.data() + in_pos_;
    s.avail_in = uInt(in_.size() - in_pos_);
    s.next_out = out + done;
    s.avail_out = uInt(std::min<size_t>(n - done, 1u << 30));
    const uInt before_out = s.avail_out;
    const int rc = inflate(&s, Z_NO_FLUSH);
    done += before_out - s.avail_out;
    in_pos_ = in_.size() - s.avail_in;
    if (rc == Z_STREAM_END) stream_end_ = true;
    else if (rc != Z_OK && rc != Z_BUF_ERROR) return zlib_error(rc);
  }
  return done;
}

StatusOr<size_t> FileBytes::read(void* out, size_t n) {
  auto* p = static_cast<uint8_t*>(out);
  if (gzip_) return inflate_into(p, n);
  size_t done = 0;
  while (done < n) {
    if (in_pos_ == in_.size()) {
      if (file_eof_) break;
      if (auto st = refill(); !st.ok()) return st;
      continue;
    }
    const size_t take = std::min(n - done, in_.size() - in_pos_);
    std::memcpy(p + done, in_.data() + in_pos_, take);
    in_pos_ += take;
    done += take;
  }
  return done;
}

Status FileBytes::expect_end() {
  uint8_t extra;
  auto got = read(&extra, 1);  // for gzip, this also reads on to the end marker and trailer
  if (!got.ok()) return got.status();
  if (*got > 0) return Status::errorf("{}: file has bytes beyond what its IDX dimensions describe", path_);
  if (gzip_) {
    // The stream has ended with its CRC-32 and length verified; nothing may follow it.
    if (in_pos_ == in_.size() && !file_eof_)
      if (auto st = refill(); !st.ok()) return st;
    if (in_pos_ != in_.size())
      return Status::errorf("{}: file has bytes after the end of its gzip stream", path_);
  }
  return {};
}

}  // namespace ringtmp
