#include "cli/run_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

namespace ringtmp::cli {
namespace fs = std::filesystem;

std::string default_run_folder(const RunConfig& c, const std::string& suffix) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", std::localtime(&t));
  return fmt::format("results/runs/{}-{}-{:03d}{}", to_string(c.strategy), stamp, ms, suffix);
}

namespace {

// A file can be made in `dir` (a read-only or full file system, /proc, a folder of another
// user's): checked by making and removing one.
Status check_writable(const fs::path& dir) {
  const fs::path probe = dir / ".ringtmp-write-check";
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return Status::errorf("run folder {}: cannot write in it ({})", dir.string(), std::strerror(errno));
  ::close(fd);
  fs::remove(probe);
  return {};
}

// `base`, or `base-2`, `base-3`, ...: the first that this call creates (mkdir is atomic, so
// two runs that start in the same millisecond still get one folder each).
StatusOr<std::string> claim_fresh(const std::string& base) {
  std::error_code ec;
  fs::create_directories(fs::path(base).parent_path(), ec);
  for (int k = 1; k < 1000; ++k) {
    const std::string dir = k == 1 ? base : fmt::format("{}-{}", base, k);
    if (fs::create_directory(dir, ec)) return dir;
    if (ec) return Status::errorf("run folder {}: cannot create ({})", dir, ec.message());
  }
  return Status::errorf("run folder {}: 999 folders of that name exist already", base);
}

}  // namespace

Status prepare_run_folder(RunConfig& c, const std::string& default_suffix) {
  if (c.out.empty()) {
    auto dir = claim_fresh(default_run_folder(c, default_suffix));
    if (!dir.ok()) return dir.status();
    c.out = *dir;
    return check_writable(c.out);
  }
  std::error_code ec;
  if (fs::exists(c.out, ec) && !fs::is_directory(c.out, ec))
    return Status::errorf("run folder {}: exists and is not a folder", c.out);
  if (fs::is_directory(c.out, ec) && !fs::is_empty(c.out, ec) && !c.overwrite)
    return Status::errorf("run folder {}: not empty (choose another --out, or --overwrite to write into it)", c.out);
  fs::create_directories(c.out, ec);
  if (ec) return Status::errorf("run folder {}: cannot create ({})", c.out, ec.message());
  return check_writable(c.out);
}

}  // namespace ringtmp::cli
