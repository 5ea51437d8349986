#pragma once
// A run's folder is whole or absent. The run writes into a temporary sibling of its folder,
// `<out>.partial-<pid>`, made before any work (so a folder that cannot be written fails at
// once, not after an hour of training), and commit() puts it in place with one rename when
// every file is written. Until then nothing of this run is under `<out>`; a run that fails
// leaves no half folder, and with --overwrite the old folder stays whole until the new one
// replaces it. A run never reads a file it did not write: what its nodes write lands in the
// fresh temporary folder, never beside an older run's files.
#include <string>

#include "core/config.hpp"
#include "core/status.hpp"

namespace ringtmp::cli {

// results/runs/<strategy>-<YYYYmmdd-HHMMSS>-<milliseconds><suffix>: the base name of a
// default run folder.
std::string default_run_folder(const RunConfig& c, const std::string& suffix = "");

class RunFolder {
 public:
  // Readies c.out for a run. Empty: a fresh default folder is claimed (created empty and
  // exclusively: `base`, or `base-2`, `base-3`, ... when another run holds it) and c.out
  // names it. Given: an existing one that is not empty is refused unless c.overwrite, and a
  // file in its place is refused. Then the temporary folder is made and must take a file.
  // Errors name the folder (the caller exits 1).
  static StatusOr<RunFolder> prepare(RunConfig& c, const std::string& default_suffix = "");

  RunFolder(RunFolder&& other) noexcept;
  RunFolder& operator=(RunFolder&&) = delete;
  RunFolder(const RunFolder&) = delete;
  // Not committed: removes the temporary folder, and the empty default folder it claimed.
  ~RunFolder();

  const std::string& out() const { return out_; }          // the folder as the user names it
  const std::string& writing() const { return writing_; }  // where the run writes meanwhile

  // Puts the written folder in place as out(): one rename onto an absent or empty folder;
  // with --overwrite, the old folder is renamed aside, the new one in, the old one removed
  // (and put back if the new one cannot go in). An error names the folder and says where
  // the run's files are (they are kept).
  Status commit();

  // Leaves the temporary folder where it is (under its .partial name, never as out()), for
  // an error to point at what it holds (validate: a failed child run's log).
  void keep() { done_ = true; }

 private:
  RunFolder(std::string out, std::string writing, bool overwrite, bool claimed)
      : out_(std::move(out)), writing_(std::move(writing)), overwrite_(overwrite), claimed_(claimed) {}
  std::string out_, writing_;
  bool overwrite_ = false;
  bool claimed_ = false;  // out_ was created empty by prepare() to reserve a default name
  bool done_ = false;     // committed, kept after a failed commit, or moved from
};

}  // namespace ringtmp::cli
