#include "core/text_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/quote_input.hpp"

namespace ringtmp {
namespace {

std::string culprit(const std::string& path, std::string_view what) {
  return what.empty() ? printable_path(path) : fmt::format("{} {}", what, printable_path(path));
}

const char* file_kind(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

}  // namespace

std::string printable_path(std::string_view path) { return escape_input(path, kPathBytes); }

StatusOr<int> open_regular_file(const std::string& path, std::string_view what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    return Status::errorf("{}: cannot open it ({})", culprit(path, what), std::strerror(errno));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::errorf("{}: cannot stat it ({})", culprit(path, what), std::strerror(err));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::errorf("{}: is {}, not a regular file", culprit(path, what), file_kind(st.st_mode));
  }
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::errorf("{}: cannot read it ({})", culprit(path, what), std::strerror(err));
  }
  return fd;
}

StatusOr<std::string> read_text_file(const std::string& path, std::string_view what, size_t max_bytes) {
  auto fd = open_regular_file(path, what);
  if (!fd.ok()) return fd.status();
  const auto too_large = [&] {
    return Status::errorf("{}: larger than {} bytes, too large for this kind of file", culprit(path, what), max_bytes);
  };
  // Refused unread when its size already says so; sized once otherwise (a large file grown by
  // doubling would be held twice over).
  struct stat st {};
  const uint64_t size = ::fstat(*fd, &st) == 0 && st.st_size > 0 ? uint64_t(st.st_size) : 0;
  if (size > max_bytes) {
    ::close(*fd);
    return too_large();
  }
  std::string text;
  text.reserve(size_t(size));
  char buf[1 << 16];
  Status error;
  for (;;) {
    const ssize_t got = ::read(*fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      error = Status::errorf("{}: read error ({})", culprit(path, what), std::strerror(errno));
      break;
    }
    if (got == 0) break;
    if (text.size() + size_t(got) > max_bytes) {
      error = too_large();
      break;
    }
    text.append(buf, size_t(got));
  }
  ::close(*fd);
  if (!error.ok()) return error;
  return text;
}

}  // namespace ringtmp
