#pragma once
// A checkpoint folder: one subfolder per iteration written, one file per part in it:
//   D/iteration-00000040/part-0003.rtc
// A set is complete when every part 0..parts-1 of it is there. Nodes write their parts at
// their own pace and a run may be killed between two of them, so the newest set may be
// incomplete: resuming then takes the newest complete one, and says which it skipped.
// Every file of the set taken is read and checked whole before anything is loaded: same
// config, same number of parts, the part and iteration its name says, a known version.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/checkpoint/node_checkpoint.hpp"
#include "core/status.hpp"

namespace ringtmp {

std::string checkpoint_file_path(const std::string& dir, int64_t iteration, int part);

// The iterations that have a subfolder in `dir`, newest first (names that are not
// iteration-N are ignored). Error when `dir` is missing or not a folder.
StatusOr<std::vector<int64_t>> checkpoint_iterations(const std::string& dir);

struct CheckpointSet {
  int64_t iteration = 0;
  std::vector<NodeCheckpoint> parts;  // indexed by part
  // One line per newer set that was passed over: "iteration-00000050: part-0002.rtc missing".
  std::vector<std::string> skipped;
};

// The newest complete set of `parts` parts in `dir`, every file read and checked against
// `config` (canonical text) and `parts`. Refused, in one line naming the file and what is
// wrong: no set at all, no complete set (names the newest set's first missing file), and in
// the set taken a file that does not decode, or holds another config (names the first
// setting that differs, "lr: 0.05 in the file, 0.1 here"), another number of parts, or a
// part or iteration other than its name says.
StatusOr<CheckpointSet> load_newest_checkpoint(const std::string& dir, const std::string& config, int parts);

// The same choice for one part only (a node process of the runtime reads its own file):
// the newest iteration whose set is complete by the files present, then that part's file
// read and checked as above.
StatusOr<NodeCheckpoint> load_checkpoint_part(const std::string& dir, const std::string& config, int parts,
                                              int part);

// After a part wrote the set of `written`, it removes its own files of the sets older than
// the newest set before `written` that is complete by the files present (so in a run
// without faults each part keeps the newest two sets: the newest may be incomplete when the
// run is killed; and a set left incomplete never costs the last complete one). Folders left
// empty are removed. Errors are ignored: a stale file costs disk, not correctness.
void prune_checkpoint_part(const std::string& dir, int part, int parts, int64_t written);

}  // namespace ringtmp
