#include "cli/checkpoint_options.hpp"

#include <filesystem>

#include <fmt/format.h>

#include "core/checkpoint/checkpoint_set.hpp"

namespace ringtmp::cli {

namespace fs = std::filesystem;

Status prepare_checkpointing(RunConfig& c, ClusterPlan& plan) {
  std::error_code ec;
  if (!c.resume.empty()) c.resume = fs::absolute(c.resume, ec).lexically_normal().string();
  if (!c.checkpoint_dir.empty()) c.checkpoint_dir = fs::absolute(c.checkpoint_dir, ec).lexically_normal().string();
  std::vector<std::string> skipped;
  if (Status s = load_resume(c, plan, &skipped); !s.ok()) return s;
  if (c.checkpoint_every > 0) {
    // A fresh run must not mix its sets with another run's: a resume would take whichever
    // is newest. Continuing the run it resumes is the one exception.
    const bool continues = !c.resume.empty() && fs::equivalent(c.resume, c.checkpoint_dir, ec);
    auto written = checkpoint_iterations(c.checkpoint_dir);
    if (!continues && written.ok() && !written->empty())
      return Status::errorf("{}: holds the checkpoints of another run (iteration {}); resume it (--resume {}) or give "
                            "an empty --checkpoint-dir", c.checkpoint_dir, written->front(), c.checkpoint_dir);
    fs::create_directories(c.checkpoint_dir, ec);
    if (ec) return Status::errorf("{}: cannot create the checkpoint folder ({})", c.checkpoint_dir, ec.message());
  }
  if (plan.resume) {
    fmt::print("resume {}: iteration {} of {}\n", c.resume, plan.resume->iteration, plan.iterations);
    for (const auto& line : skipped) fmt::print("resume passed over {}\n", line);
  }
  return {};
}

}  // namespace ringtmp::cli
