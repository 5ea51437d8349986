#pragma once
// SimGrid allows one engine per process, so every simulation in a test runs in a forked
// child that hands numbers (or an error line) back through a pipe; its stderr goes to a
// file the parent can read (SimGrid's plugins report there).
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/data/temp_dir.hpp"

namespace ringtmp::testing {

struct ChildResult {
  bool ok = false;
  std::string error;            // the child's exception, or how it died
  std::vector<double> values;   // what fn returned
  std::string stderr_text;
};

inline bool write_all(int fd, const void* data, size_t size) {
  const char* bytes = static_cast<const char*>(data);
  for (size_t done = 0; done < size;) {
    const ssize_t n = write(fd, bytes + done, size - done);
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

// fn runs in the child; to fail, it throws (the message comes back in `error`).
inline ChildResult in_child(const std::function<std::vector<double>()>& fn) {
  TempDir dir;
  const std::string err_path = dir.file("stderr");
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    if (!std::freopen(err_path.c_str(), "w", stderr)) _exit(3);
    // The reply is a tag byte, then the doubles or the error text, written as separate
    // pieces: building one string ("V" then append) made GCC 12 report a bogus -Wrestrict
    // on the inlined assignment of the one-character literal.
    char tag = 'V';
    std::vector<double> values;
    std::string error;
    try {
      values = fn();
    } catch (const std::exception& e) {
      tag = 'E';
      error = e.what();
    }
    std::fflush(nullptr);
    const bool sent =
        write_all(fds[1], &tag, 1) &&
        (tag == 'V' ? write_all(fds[1], values.data(), values.size() * sizeof(double))
                    : write_all(fds[1], error.data(), error.size()));
    _exit(sent ? 0 : 4);
  }
  close(fds[1]);
  std::string in;
  char buf[65536];
  for (ssize_t n; (n = read(fds[0], buf, sizeof buf)) > 0;) in.append(buf, size_t(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  ChildResult r;
  auto bytes = read_bytes(err_path);
  r.stderr_text.assign(bytes.begin(), bytes.end());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || in.empty()) {
    r.error = "simulation child died (status " + std::to_string(status) + "): " + r.stderr_text.substr(0, 2000);
  } else if (in[0] == 'E') {
    r.error = in.substr(1);
  } else {
    r.ok = true;
    r.values.resize((in.size() - 1) / sizeof(double));
    // memcpy from or to a null pointer is undefined even for 0 bytes (UBSan says so).
    if (!r.values.empty()) std::memcpy(r.values.data(), in.data() + 1, r.values.size() * sizeof(double));
  }
  return r;
}

}  // namespace ringtmp::testing
