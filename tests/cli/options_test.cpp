// The CLI reads every setting of the table as a flag and as an INI key: each setting,
// changed alone, survives config_ini -> --config and --key VALUE; names are taken whole
// (no prefix guessing); numbers refuse a '+' and blanks; --help lists every setting.
#include "cli/options.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <doctest/doctest.h>

#include "core/settings.hpp"
#include "tests/setting_samples.hpp"

using namespace ringtmp;
using ringtmp::cli::read_run_args;

namespace {

std::string texts(const RunConfig& c) {
  std::string s;
  for (const auto& setting : settings(c)) s += fmt::format("{}={}\n", setting.key, setting.value);
  return s;
}

std::filesystem::path scratch_file(const std::string& name, const std::string& text) {
  const auto path = std::filesystem::temp_directory_path() / fmt::format("ringtmp-options-test-{}-{}", ::getpid(), name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("every setting, changed alone, round-trips through config_ini and --config") {
  for (const auto& s : setting_table()) {
    CAPTURE(s.key);
    const RunConfig changed = testing::with_other_value(s);
    const auto path = scratch_file("round-trip.ini", config_ini(changed));
    auto read = read_run_args("train", {"--config", path.string()});
    std::filesystem::remove(path);
    REQUIRE_MESSAGE(read.ok(), read.status().message());
    CHECK(texts(read->config) == texts(changed));
  }
}

TEST_CASE("every setting is a flag of the same name") {
  for (const auto& s : setting_table()) {
    CAPTURE(s.key);
    auto read = read_run_args("train", {fmt::format("--{}={}", s.key, testing::other_value(s))});
    REQUIRE_MESSAGE(read.ok(), read.status().message());
    CHECK(texts(read->config) == texts(testing::with_other_value(s)));
  }
  auto help = read_run_args("sim", {"--help"});
  REQUIRE(help.ok());
  for (const auto& s : setting_table()) CHECK(help->help_text.find(fmt::format("--{} ", s.key)) != std::string::npos);
}

TEST_CASE("a prefix of a flag is not the flag") {
  auto read = read_run_args("train", {"--strat", "ring"});
  REQUIRE(!read.ok());
  CHECK(read.status().message().find("strat") != std::string::npos);
  const auto path = scratch_file("prefix.ini", "strat = ring\n");
  auto from_file = read_run_args("train", {"--config", path.string()});
  std::filesystem::remove(path);
  CHECK(!from_file.ok());
}

TEST_CASE("run options and command flags read numbers alike: no '+', no blanks") {
  for (const char* text : {"+5", " 5", "5 ", "0x10", "5x"}) {
    CAPTURE(text);
    auto read = read_run_args("train", {"--batch", text});
    REQUIRE(!read.ok());
    CHECK(read.status().message().starts_with("invalid value for batch: '"));
    CHECK(!cli::int_flag("local", text, 1, 256).ok());
  }
  CHECK(*cli::int_flag("local", "5", 1, 256) == 5);
  CHECK(cli::int_flag("local", "300", 1, 256).status().message() == "invalid value for local: '300' (1..256)");
  CHECK(*cli::seconds_flag("silence-timeout", "2.5", 2, 86400) == 2.5);
  CHECK(!cli::seconds_flag("silence-timeout", "+3", 2, 86400).ok());
}

TEST_CASE("a runtime command's own check comes before validation") {
  // No strategy given: the default (local) would fail validation on --nodes first.
  auto parsed = cli::parse_run_args("launch", {"--nodes", "8"}, {}, [](const RunConfig& c) {
    return c.strategy == StrategyKind::local ? Status::error("no strategy") : Status{};
  });
  REQUIRE(!parsed.ok());
  CHECK(parsed.status().message() == "no strategy");
}

TEST_CASE("a config path with a newline gets a one-line error") {
  // Regression (run_options_fuzz): the path was echoed raw.
  for (const char* path : {"no\nsuch.ini", "\x01)))ons = 0\neval-every = 0\n"}) {
    auto parsed = cli::read_run_args("train", {"--strategy", "ring", "--config", path});
    REQUIRE(!parsed.ok());
    CHECK(parsed.status().message().find('\n') == std::string::npos);
    CHECK(parsed.status().message().starts_with("config file "));
  }
}
