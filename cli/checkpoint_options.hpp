#pragma once
// --checkpoint-every / --checkpoint-dir / --resume, checked before any node starts: the
// checkpoint folder made absolute (node processes may run elsewhere) and refused when it
// holds another run's checkpoints; the resumed set read and checked whole, and said.
#include "core/config.hpp"
#include "core/status.hpp"
#include "core/strategy/node_program.hpp"

namespace ringtmp::cli {

// Errors are one line naming the folder or file (exit 2). On success prints, with --resume,
// "resume  DIR: iteration T of I" and a line per newer incomplete set passed over; `plan`
// then holds the set (plan.resume).
Status prepare_checkpointing(RunConfig& c, ClusterPlan& plan);

}  // namespace ringtmp::cli
