#include "core/checkpoint/checkpoint_set.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <limits>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "core/quote_input.hpp"
#include "core/text_file.hpp"

namespace fs = std::filesystem;

namespace ringtmp {
namespace {

std::string iteration_folder(int64_t iteration) { return fmt::format("iteration-{:08d}", iteration); }
std::string part_file(int part) { return fmt::format("part-{:04d}.rtc", part); }

// N when `name` is iteration_folder(N) exactly (so one iteration has one folder name).
std::optional<int64_t> iteration_of(const std::string& name) {
  constexpr std::string_view prefix = "iteration-";
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  int64_t n = -1;
  const char* end = name.data() + name.size();
  const auto [at, ec] = std::from_chars(name.data() + prefix.size(), end, n);
  if (ec != std::errc() || at != end || n < 0 || name != iteration_folder(n)) return std::nullopt;
  return n;
}

// "key=value" lines as (key, value); a line without '=' is its own key with no value.
std::vector<std::pair<std::string, std::string>> config_lines(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> lines;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(at, end - at);
    const size_t eq = line.find('=');
    if (eq == std::string::npos) lines.emplace_back(line, "");
    else lines.emplace_back(line.substr(0, eq), line.substr(eq + 1));
    at = end + 1;
  }
  return lines;
}

const std::string* value_of(const std::vector<std::pair<std::string, std::string>>& lines, const std::string& key) {
  for (const auto& [k, v] : lines)
    if (k == key) return &v;
  return nullptr;
}

// The first setting, in the file's order, whose value differs or that one side lacks, as
// "lr: 0.05 in the file, 0.1 here".
std::string config_difference(const std::string& in_file, const std::string& here) {
  const auto a = config_lines(in_file), b = config_lines(here);
  const auto shown = [](const std::string* v) {
    return !v ? std::string("not set") : v->empty() ? std::string("empty") : escape_input(*v);
  };
  const auto line = [&](const std::string& key, const std::string* v_file, const std::string* v_here) {
    return fmt::format("{}: {} in the file, {} here", escape_input(key), shown(v_file), shown(v_here));
  };
  for (const auto& [key, value] : a) {
    const std::string* v_here = value_of(b, key);
    if (!v_here || *v_here != value) return line(key, &value, v_here);
  }
  for (const auto& [key, value] : b)
    if (!value_of(a, key)) return line(key, nullptr, &value);
  return "the same settings, the text differs";  // another order, or a blank line
}

// The newest iteration whose set has every part's file; the newer ones passed over are
// added to `skipped` ("iteration-00000050: part-0002.rtc missing").
// Only iterations before `before` count.
StatusOr<int64_t> newest_complete(const std::string& dir, int parts, std::vector<std::string>* skipped,
                                  int64_t before = std::numeric_limits<int64_t>::max()) {
  if (parts < 1) return Status::errorf("{}: a checkpoint set of {} parts", printable_path(dir), parts);
  auto iterations = checkpoint_iterations(dir);
  if (!iterations.ok()) return iterations.status();
  if (iterations->empty()) return Status::errorf("{}: no checkpoint (no iteration-N folder)", printable_path(dir));
  std::string newest_missing;
  for (int64_t iteration : *iterations) {
    if (iteration >= before) continue;
    int missing = -1;
    for (int part = 0; part < parts && missing < 0; ++part) {
      std::error_code ec;
      if (!fs::is_regular_file(checkpoint_file_path(dir, iteration, part), ec)) missing = part;
    }
    if (missing < 0) return iteration;
    if (newest_missing.empty()) newest_missing = checkpoint_file_path(dir, iteration, missing);
    if (skipped) skipped->push_back(fmt::format("{}: {} missing", iteration_folder(iteration), part_file(missing)));
  }
  return Status::errorf("{}: missing, and no older checkpoint set is complete", printable_path(newest_missing));
}

// The file of `part` in the set of `iteration`, read and checked against the run.
StatusOr<NodeCheckpoint> read_part(const std::string& dir, int64_t iteration, int part, const std::string& config,
                                   int parts) {
  const std::string path = checkpoint_file_path(dir, iteration, part);
  auto c = read_checkpoint_file(path);
  if (!c.ok()) return c.status();
  const std::string culprit = printable_path(path);
  if (c->config != config)
    return Status::errorf("{}: written by a run of another config ({})", culprit, config_difference(c->config, config));
  if (c->parts != parts)
    return Status::errorf("{}: a set of {} parts, this run has {}", culprit, c->parts, parts);
  if (c->part != part) return Status::errorf("{}: holds part {}, its name says {}", culprit, c->part, part);
  if (c->iteration != iteration)
    return Status::errorf("{}: holds iteration {}, its folder says {}", culprit, c->iteration, iteration);
  return c;
}

}  // namespace

std::string checkpoint_file_path(const std::string& dir, int64_t iteration, int part) {
  return (fs::path(dir) / iteration_folder(iteration) / part_file(part)).string();
}

StatusOr<std::vector<int64_t>> checkpoint_iterations(const std::string& dir) {
  std::error_code ec;
  const auto st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return Status::errorf("{}: no such folder", printable_path(dir));
  if (!fs::is_directory(st)) return Status::errorf("{}: not a folder", printable_path(dir));
  std::vector<int64_t> iterations;
  fs::directory_iterator it(dir, ec);
  for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
    const auto n = iteration_of(it->path().filename().string());
    std::error_code ignored;
    if (n && it->is_directory(ignored)) iterations.push_back(*n);
  }
  if (ec) return Status::errorf("{}: cannot list it ({})", printable_path(dir), ec.message());
  std::sort(iterations.rbegin(), iterations.rend());
  return iterations;
}

StatusOr<CheckpointSet> load_newest_checkpoint(const std::string& dir, const std::string& config, int parts) {
  CheckpointSet set;
  auto iteration = newest_complete(dir, parts, &set.skipped);
  if (!iteration.ok()) return iteration.status();
  set.iteration = *iteration;
  set.parts.reserve(size_t(parts));
  for (int part = 0; part < parts; ++part) {
    auto c = read_part(dir, set.iteration, part, config, parts);
    if (!c.ok()) return c.status();
    set.parts.push_back(std::move(*c));
  }
  return set;
}

StatusOr<NodeCheckpoint> load_checkpoint_part(const std::string& dir, const std::string& config, int parts,
                                              int part) {
  if (part < 0 || part >= parts)
    return Status::errorf("{}: no part {} in a set of {}", printable_path(dir), part, parts);
  auto iteration = newest_complete(dir, parts, nullptr);
  if (!iteration.ok()) return iteration.status();
  return read_part(dir, *iteration, part, config, parts);
}

void prune_checkpoint_part(const std::string& dir, int part, int parts, int64_t written) {
  // The newest complete set before the one just written stays, whatever else is missing: a
  // set left incomplete (a part's write skipped in a recovery, a run killed mid-set) must
  // never cost the last set a resume can use.
  auto keep = newest_complete(dir, parts, nullptr, written);
  if (!keep.ok()) return;
  const int64_t keep_from = *keep;
  auto iterations = checkpoint_iterations(dir);
  if (!iterations.ok()) return;
  for (int64_t iteration : *iterations) {
    if (iteration >= keep_from) continue;
    const std::string path = checkpoint_file_path(dir, iteration, part);
    std::error_code ignored;
    fs::remove(path, ignored);
    fs::remove(path + ".tmp", ignored);  // left by a write that was killed
    fs::remove(fs::path(dir) / iteration_folder(iteration), ignored);  // only if now empty
  }
}

}  // namespace ringtmp
