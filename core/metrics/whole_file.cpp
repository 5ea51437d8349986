#include "core/metrics/whole_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ringtmp {
namespace {

// Every byte of `bytes` to `fd`, through short writes and signals; 0 or an errno.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return n < 0 ? errno : EIO;
    bytes.remove_prefix(size_t(n));
  }
  return 0;
}

}  // namespace

Status write_whole_file(const std::string& path, std::string_view bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::errorf("{}: cannot write ({})", path, std::strerror(errno));
  struct stat st {};
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  int error = write_all(fd, bytes);
  // Devices and pipes take no fsync (EINVAL); for a file it is where a delayed ENOSPC or an
  // I/O error surfaces.
  if (error == 0 && regular && ::fsync(fd) != 0) error = errno;
  if (::close(fd) != 0 && error == 0) error = errno;
  if (error == 0) return {};
  if (regular) ::unlink(path.c_str());
  return Status::errorf("{}: cannot write ({})", path, std::strerror(error));
}

}  // namespace ringtmp
