// `ringtmp merge DIR... [flags]`: the run folder `launch` writes, from the outcome files of
// nodes started by hand (`ringtmp node` on each device, files copied back). Every file says
// which rank and run wrote it and the config it ran (OutcomeOrigin), so the set is checked
// before anything is written: one file per rank 0..N-1, one run, one config; otherwise one
// line naming the files at fault and exit 1.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "cli/commands.hpp"
#include "cli/run_command.hpp"
#include "cli/run_folder.hpp"
#include "cli/runtime_run.hpp"
#include "core/data/load_data.hpp"
#include "core/metrics/whole_file.hpp"
#include "core/quote_input.hpp"
#include "core/platform/profiles.hpp"
#include "core/strategy/memory_fit.hpp"
#include "core/strategy/outcome_file.hpp"
#include "runtime/config_digest.hpp"

namespace ringtmp::cli {
namespace {

namespace fs = std::filesystem;

struct OutcomeFile {
  std::string path;
  NodeOutcome outcome;
};

bool is_outcome_name(const std::string& name) {
  return name.starts_with("node-") && name.ends_with(".outcome");
}

// The outcome files an argument names: the file itself, or a folder's node-<rank>.outcome
// files (a launch run folder keeps them in nodes/, which is looked in too).
StatusOr<std::vector<std::string>> outcome_paths(const std::string& arg) {
  std::error_code ec;
  if (fs::is_regular_file(arg, ec)) return std::vector<std::string>{arg};
  if (!fs::is_directory(arg, ec)) return Status::errorf("{}: no such file or folder", quote_input(arg));
  std::vector<std::string> found;
  for (const fs::path& dir : {fs::path(arg), fs::path(arg) / "nodes"})
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.is_regular_file() && is_outcome_name(e.path().filename().string())) found.push_back(e.path().string());
  if (found.empty()) return Status::errorf("{}: no node-<rank>.outcome files in it", quote_input(arg));
  std::sort(found.begin(), found.end());
  return found;
}

// A node's config as it ran it, keyed by the settings that change what is computed.
StatusOr<ConfigDigest> digest_of(const OutcomeFile& f) {
  RunConfig c;
  if (auto s = apply_config_text(f.outcome.origin.config_ini, fmt::format("{}: its config", f.path), c); !s.ok()) return s;
  return config_digest(c);
}

// One run, one config, every rank once: the first problem as one line, else ok.
Status check_one_run(const std::vector<OutcomeFile>& files) {
  const OutcomeFile& first = files.front();
  const auto& origin = first.outcome.origin;
  auto digest = digest_of(first);
  if (!digest.ok()) return digest.status();
  std::map<int, const OutcomeFile*> by_rank;
  for (const auto& f : files) {
    const auto& o = f.outcome.origin;
    if (o.run_id != origin.run_id)
      return Status::errorf("two runs mixed: {} is run {}, {} is run {} (another cluster key)", f.path, o.run_id, first.path,
                            origin.run_id);
    auto d = digest_of(f);
    if (!d.ok()) return d.status();
    if (*d != *digest || o.cluster_size != origin.cluster_size)
      return Status::errorf("another config: {} ran config {}, {} ran {}", f.path, short_hex(*d), first.path, short_hex(*digest));
    if (o.rank >= o.cluster_size) return Status::errorf("{}: rank {} in a cluster of {} nodes", f.path, o.rank, o.cluster_size);
    if (auto [at, fresh] = by_rank.emplace(o.rank, &f); !fresh)
      return Status::errorf("rank {} twice: {} and {}", o.rank, at->second->path, f.path);
  }
  for (int r = 0; r < origin.cluster_size; ++r)
    if (!by_rank.count(r))
      return Status::errorf("rank {} missing: none of the {} files given is node {} of the {} ranks 0..{}", r, files.size(), r,
                            origin.cluster_size, origin.cluster_size - 1);
  return {};
}

constexpr const char* kHelp =
    "Usage: ringtmp merge DIR|FILE... [options]\n\n"
    "The run folder `ringtmp launch` writes, from the node-<rank>.outcome files of nodes started by hand\n"
    "(`ringtmp node` on each device): name the files, or folders holding them (a launch run folder's nodes/\n"
    "is looked in too). The set must be one run (one cluster key), one config, every rank once.\n"
    "The config is the one the nodes ran; options may set only what is per device:\n"
    "  --out DIR        the run folder (default: a fresh results/runs/<strategy>-<time>-<ms>)\n"
    "  --overwrite      write into a run folder that is not empty\n"
    "  --data-dir DIR   where this machine keeps the dataset (the final model is evaluated here)\n"
    "  --config FILE    check the nodes ran this config (refused if not)\n";

}  // namespace

int merge_command(const std::vector<std::string>& args) {
  const auto usage = [](const std::string& message) {
    fmt::print(stderr, "ringtmp merge: {}\n", message);
    return 2;
  };
  const auto failed = [](const std::string& message) {
    fmt::print(stderr, "ringtmp merge: {}\n", message);
    return 1;
  };
  // The inputs come first, the options after them.
  const auto first_flag = std::find_if(args.begin(), args.end(), [](const std::string& a) { return a.starts_with("-"); });
  const std::vector<std::string> inputs(args.begin(), first_flag);
  std::vector<std::string> flags(first_flag, args.end());
  if (std::find_if(flags.begin(), flags.end(), [](const std::string& a) { return a == "--help" || a == "-h"; }) != flags.end()) {
    fmt::print("{}", kHelp);
    return 0;
  }
  if (inputs.empty()) return usage("name the nodes' outcome files or the folders that hold them (ringtmp merge DIR... [options])");

  std::vector<OutcomeFile> files;
  std::vector<fs::path> seen;  // a file named twice (a folder and the file in it) counts once
  for (const auto& arg : inputs) {
    auto paths = outcome_paths(arg);
    if (!paths.ok()) return failed(paths.status().message());
    for (const auto& p : *paths) {
      std::error_code ec;
      fs::path canonical = fs::weakly_canonical(p, ec);
      if (ec) canonical = p;
      if (std::find(seen.begin(), seen.end(), canonical) != seen.end()) continue;
      seen.push_back(canonical);
      auto o = read_outcome_file(p);
      if (!o.ok()) return failed(o.status().message());
      if (o->origin.rank < 0) return failed(fmt::format("{}: not written by ringtmp node (it names no rank or run)", p));
      files.push_back({p, std::move(*o)});
    }
  }
  if (auto s = check_one_run(files); !s.ok()) return failed(s.message());

  // The nodes' config is the base; --config FILE instead is checked against it.
  const bool own_config = std::find(flags.begin(), flags.end(), "--config") != flags.end() ||
                          std::any_of(flags.begin(), flags.end(), [](const std::string& a) { return a.starts_with("--config="); });
  std::string ini_path;
  if (!own_config) {
    char name[] = "/tmp/ringtmp-merge-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) return failed("cannot create a temporary file in /tmp");
    ::close(fd);
    ini_path = name;
    const Status written = write_whole_file(ini_path, files.front().outcome.origin.config_ini);
    if (!written.ok()) {
      ::unlink(ini_path.c_str());
      return failed(written.message());
    }
    flags.insert(flags.begin(), {"--config", ini_path});
  }
  auto parsed = parse_run_args("merge", flags);
  if (!ini_path.empty()) ::unlink(ini_path.c_str());
  if (!parsed.ok()) return usage(parsed.status().message());
  RunConfig c = parsed->config;
  const ConfigDigest ran = *digest_of(files.front());
  if (config_digest(c) != ran)
    return usage(fmt::format("the nodes ran config {}, {} config {}: only per-device options (--out, --overwrite, "
                             "--data-dir) may differ", short_hex(ran), own_config ? "--config gives" : "the options give", short_hex(config_digest(c))));

  auto data = load_data(c);
  if (!data.ok()) return failed(data.status().message());
  const int n = files.front().outcome.origin.cluster_size;
  auto plan = plan_cluster_on_devices(c, *data, default_platforms_dir());
  if (!plan.ok()) return usage(plan.status().message());
  if (plan->size != n)
    return failed(fmt::format("{} is from a cluster of {} nodes, its config plans {}", files.front().path, n, plan->size));
  auto folder = RunFolder::prepare(c);
  if (!folder.ok()) return failed(folder.status().message());
  const fs::path nodes_dir = fs::path(folder->writing()) / "nodes";
  std::error_code ec;
  fs::create_directories(nodes_dir, ec);
  std::vector<RuntimeNode> nodes(static_cast<size_t>(n));
  for (auto& f : files) {
    const int rank = f.outcome.origin.rank;
    const fs::path copy = nodes_dir / fmt::format("node-{}.outcome", rank);
    if (!fs::copy_file(f.path, copy, fs::copy_options::overwrite_existing, ec))
      return failed(fmt::format("{}: cannot copy into {} ({})", f.path, copy.string(), ec.message()));
    nodes[size_t(rank)].outcome = std::move(f.outcome);
  }
  if (auto s = write_whole_file((nodes_dir / "run.ini").string(), config_ini(c)); !s.ok()) return failed(s.message());
  return finish_runtime_run("ringtmp merge", c, *data, std::move(nodes),
                            fmt::format("{} devices, nodes started by hand (merged from their outcome files)", n), *folder);
}

}  // namespace ringtmp::cli
