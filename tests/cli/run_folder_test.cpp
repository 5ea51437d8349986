// A run folder is whole or absent: the run writes into <out>.partial-<pid>, and only a
// commit puts it in place; a run that fails (any early return) leaves nothing under <out>,
// and with --overwrite the old folder stays whole until the new one is complete.
#include "cli/run_folder.hpp"

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "core/metrics/run_writer.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using namespace ringtmp::cli;
using ringtmp::testing::TempDir;
namespace fs = std::filesystem;

namespace {
void put(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }
std::string get(const fs::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
// What is in `dir` besides `keep`: the temporary folders a run left.
int partials(const fs::path& dir) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(".partial-") != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("a run writes beside its folder and appears there whole only when committed") {
  TempDir tmp;
  RunConfig c;
  c.out = (tmp.path() / "run").string();
  auto folder = RunFolder::prepare(c);
  REQUIRE(folder.ok());
  CHECK(folder->out() == c.out);
  CHECK(fs::path(folder->writing()).parent_path() == tmp.path());
  CHECK(fs::is_directory(folder->writing()));
  CHECK(!fs::exists(c.out));  // nothing under the name while the run writes
  put(fs::path(folder->writing()) / "summary.json", "{}");
  REQUIRE(folder->commit().ok());
  CHECK(get(tmp.path() / "run" / "summary.json") == "{}");
  CHECK(partials(tmp.path()) == 0);
}

TEST_CASE("a run that ends without committing leaves nothing behind") {
  TempDir tmp;
  RunConfig c;
  c.out = (tmp.path() / "run").string();
  {
    auto folder = RunFolder::prepare(c);
    REQUIRE(folder.ok());
    put(fs::path(folder->writing()) / "summary.json", "{half");
  }
  CHECK(!fs::exists(c.out));
  CHECK(partials(tmp.path()) == 0);
}

TEST_CASE("--overwrite: the old folder stays whole until the new one replaces it") {
  TempDir tmp;
  const fs::path out = tmp.path() / "run";
  fs::create_directories(out / "nodes");
  put(out / "summary.json", "old");
  put(out / "nodes" / "node-2.outcome", "stale");
  RunConfig c;
  c.out = out.string() + "/";  // a trailing slash names the same folder
  auto refused = RunFolder::prepare(c);
  REQUIRE(!refused.ok());
  CHECK(refused.status().message() == "run folder " + c.out + ": not empty (choose another --out, or --overwrite to replace it)");
  c.overwrite = true;
  {  // a run that fails: the old one untouched
    auto folder = RunFolder::prepare(c);
    REQUIRE(folder.ok());
    CHECK(!fs::exists(fs::path(folder->writing()) / "nodes" / "node-2.outcome"));  // fresh: no stale file to read
    put(fs::path(folder->writing()) / "summary.json", "new, half");
  }
  CHECK(get(out / "summary.json") == "old");
  CHECK(get(out / "nodes" / "node-2.outcome") == "stale");
  auto folder = RunFolder::prepare(c);
  REQUIRE(folder.ok());
  put(fs::path(folder->writing()) / "summary.json", "new");
  REQUIRE(folder->commit().ok());
  CHECK(get(out / "summary.json") == "new");
  CHECK(!fs::exists(out / "nodes"));  // nothing of the old run mixed in
  CHECK(std::distance(fs::directory_iterator(tmp.path()), fs::directory_iterator()) == 1);  // no aside left
}

TEST_CASE("a write that fails inside the run leaves no half folder and the old one whole") {
  TempDir tmp;
  const fs::path out = tmp.path() / "run";
  fs::create_directories(out);
  put(out / "summary.json", "old");
  put(out / "timeline.json", "old timeline");
  RunConfig c;
  c.out = out.string();
  c.overwrite = true;
  {
    auto folder = RunFolder::prepare(c);
    REQUIRE(folder.ok());
    // timeline.json cannot be written (a folder holds its name): summary.json already was.
    fs::create_directories(fs::path(folder->writing()) / "timeline.json");
    RunResult run;
    run.nodes.push_back({});
    const Status s = write_run(folder->writing(), run);
    REQUIRE(!s.ok());
    CHECK(s.message().find("timeline.json: cannot write") != std::string::npos);
    CHECK(fs::exists(fs::path(folder->writing()) / "summary.json"));
  }
  CHECK(get(out / "summary.json") == "old");
  CHECK(get(out / "timeline.json") == "old timeline");
  CHECK(partials(tmp.path()) == 0);
}

TEST_CASE("a folder that cannot be written, or a file in its place, fails before any work") {
  auto error = [](RunConfig c) {
    auto folder = RunFolder::prepare(c);
    return folder.ok() ? std::string("ok") : folder.status().message();
  };
  RunConfig c;
  c.out = "/proc/ringtmp-run";
  CHECK(error(c).rfind("run folder /proc/ringtmp-run: cannot create /proc/ringtmp-run.partial-", 0) == 0);
  TempDir tmp;
  put(tmp.path() / "file", "x");
  c.out = (tmp.path() / "file").string();
  CHECK(error(c) == "run folder " + c.out + ": exists and is not a folder");
  c.out = "/";
  c.overwrite = true;
  CHECK(error(c) == "run folder /: cannot be replaced as a whole (name a folder)");
}

TEST_CASE("a folder filled by someone else during the run is not merged into: the run's files are kept aside") {
  TempDir tmp;
  RunConfig c;
  c.out = (tmp.path() / "run").string();
  auto folder = RunFolder::prepare(c);
  REQUIRE(folder.ok());
  put(fs::path(folder->writing()) / "summary.json", "mine");
  fs::create_directories(c.out);
  put(fs::path(c.out) / "summary.json", "theirs");
  const Status s = folder->commit();
  REQUIRE(!s.ok());
  CHECK(s.message() == "run folder " + c.out + ": another program wrote into it during the run; this run's files are in " +
                           folder->writing());
  CHECK(get(fs::path(c.out) / "summary.json") == "theirs");
  CHECK(get(fs::path(folder->writing()) / "summary.json") == "mine");
}
