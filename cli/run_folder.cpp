#include "cli/run_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
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
  if (fd < 0) return Status::error(std::strerror(errno));
  ::close(fd);
  fs::remove(probe);
  return {};
}

// `base`, or `base-2`, `base-3`, ...: the first that this call creates (mkdir is atomic, so
// two runs that start in the same millisecond still get one folder each). The error is the
// reason alone: callers name the folder as the user knows it.
StatusOr<std::string> claim_fresh(const std::string& base) {
  std::error_code ec;
  fs::create_directories(fs::path(base).parent_path(), ec);
  for (int k = 1; k < 1000; ++k) {
    const std::string dir = k == 1 ? base : fmt::format("{}-{}", base, k);
    if (fs::create_directory(dir, ec)) return dir;
    if (ec) return Status::errorf("cannot create {} ({})", dir, ec.message());
  }
  return Status::errorf("999 folders named {} exist already", base);
}

// The folder itself, whatever way it is written ("out/", "out/.", "./out"): the temporary
// folder is its sibling, and rename() must name it, not a path into it.
StatusOr<fs::path> folder_path(const std::string& out) {
  std::error_code ec;
  fs::path p = fs::absolute(out, ec).lexically_normal();
  if (ec) return Status::errorf("cannot resolve ({})", ec.message());
  if (!p.has_filename()) p = p.parent_path();
  if (p == p.root_path() || p.filename() == "..") return Status::error("cannot be replaced as a whole (name a folder)");
  return p;
}

// Makes a rename in `dir` durable (a crash after commit keeps the new folder).
void sync_folder(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

StatusOr<RunFolder> RunFolder::prepare(RunConfig& c, const std::string& default_suffix) {
  bool claimed = false;
  if (c.out.empty()) {
    auto dir = claim_fresh(default_run_folder(c, default_suffix));
    if (!dir.ok()) return Status::errorf("run folder: {}", dir.status().message());
    c.out = *dir;
    claimed = true;
  } else {
    std::error_code ec;
    const auto status = fs::status(c.out, ec);
    if (fs::exists(status) && !fs::is_directory(status))
      return Status::errorf("run folder {}: exists and is not a folder", c.out);
    if (fs::is_directory(status) && !c.overwrite) {
      const bool empty = fs::is_empty(c.out, ec);
      if (ec) return Status::errorf("run folder {}: cannot read ({})", c.out, ec.message());
      if (!empty)
        return Status::errorf("run folder {}: not empty (choose another --out, or --overwrite to replace it)", c.out);
    }
  }
  // From here on the folder object owns what was made: an early return removes it.
  RunFolder folder(c.out, "", c.overwrite, claimed);
  auto path = folder_path(c.out);
  if (!path.ok()) return Status::errorf("run folder {}: {}", c.out, path.status().message());
  auto writing = claim_fresh(fmt::format("{}.partial-{}", path->string(), ::getpid()));
  if (!writing.ok()) return Status::errorf("run folder {}: {}", c.out, writing.status().message());
  folder.writing_ = *writing;
  if (auto s = check_writable(folder.writing_); !s.ok())
    return Status::errorf("run folder {}: cannot write in {} ({})", c.out, folder.writing_, s.message());
  return folder;
}

RunFolder::RunFolder(RunFolder&& other) noexcept
    : out_(std::move(other.out_)), writing_(std::move(other.writing_)), overwrite_(other.overwrite_),
      claimed_(other.claimed_), done_(other.done_) {
  other.done_ = true;
}

RunFolder::~RunFolder() {
  if (done_) return;
  std::error_code ec;
  if (!writing_.empty()) fs::remove_all(writing_, ec);
  if (claimed_) fs::remove(out_, ec);  // only while empty: it is nobody else's
}

Status RunFolder::commit() {
  done_ = true;  // from here on the files are kept, in place or where the error says
  auto kept = [&](const std::string& why) {
    return Status::errorf("run folder {}: {}; this run's files are in {}", out_, why, writing_);
  };
  auto path = folder_path(out_);
  if (!path.ok()) return kept(path.status().message());
  const fs::path target = *path;
  // Onto an absent or empty folder: one atomic rename.
  if (::rename(writing_.c_str(), target.c_str()) == 0) {
    sync_folder(target.parent_path());
    return {};
  }
  const int error = errno;
  if (error != ENOTEMPTY && error != EEXIST) return kept(fmt::format("cannot move it in place ({})", std::strerror(error)));
  if (!overwrite_) return kept("another program wrote into it during the run");
  // --overwrite: the old run aside, the new one in, then the old one removed. Between the
  // two renames `out` is briefly absent, never half of one run and half of another.
  const fs::path aside = fmt::format("{}.old-{}", target.string(), ::getpid());
  std::error_code ec;
  fs::remove_all(aside, ec);
  if (::rename(target.c_str(), aside.c_str()) != 0)
    return kept(fmt::format("cannot move the old run aside ({})", std::strerror(errno)));
  if (::rename(writing_.c_str(), target.c_str()) != 0) {
    const int again = errno;
    ::rename(aside.c_str(), target.c_str());
    return kept(fmt::format("cannot move it in place ({})", std::strerror(again)));
  }
  sync_folder(target.parent_path());
  fs::remove_all(aside, ec);
  if (ec) return Status::errorf("run folder {}: written, but the old run could not be removed from {} ({})", out_,
                                aside.string(), ec.message());
  return {};
}

}  // namespace ringtmp::cli
