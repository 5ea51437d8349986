// The settings table: every setting has a unique key and help, its text round-trips, the
// number reader refuses what a person would not mean as a number, and a range error names
// the key. (The INI and flag round trip is tests/cli/options_test.cpp; the digest,
// tests/runtime/config_digest_test.cpp.)
#include "core/settings.hpp"

#include <set>
#include <tuple>

#include <doctest/doctest.h>

#include "tests/setting_samples.hpp"

using namespace ringtmp;

TEST_CASE("every setting has one unique key, a help line and a value text for the defaults") {
  std::set<std::string_view> keys;
  for (const auto& s : setting_table()) {
    CAPTURE(s.key);
    CHECK(keys.insert(s.key).second);
    CHECK(!s.help_line().empty());
    CHECK(s.help_line().find('\n') == std::string::npos);
    CHECK(find_setting(s.key) == &s);
    CHECK(s.assign);
    CHECK(s.show);
  }
  CHECK(find_setting("no-such-setting") == nullptr);
  CHECK(settings(RunConfig{}).size() == setting_table().size());
}

TEST_CASE("each setting's text reads back to the same value, and a changed value shows") {
  for (const auto& s : setting_table()) {
    CAPTURE(s.key);
    const RunConfig changed = testing::with_other_value(s);
    CHECK(s.show(changed) == testing::other_value(s));
    CHECK(s.show(changed) != s.show(RunConfig{}));
    // Every setting's text, assigned to a fresh config, gives the same settings again.
    RunConfig again;
    for (const auto& each : setting_table()) REQUIRE(each.assign(again, each.show(changed)).ok());
    for (const auto& each : setting_table()) CHECK(each.show(again) == each.show(changed));
  }
}

TEST_CASE("help lines carry choices and defaults") {
  CHECK(find_setting("schedule")->help_line() == "ring schedule: gpipe | 1f1b | async (default 1f1b)");
  CHECK(find_setting("strategy")->help_line() == "local | ring | ps | allreduce (default local)");
  CHECK(find_setting("batch")->help_line() == "global minibatch size (default 64)");
  CHECK(find_setting("platform")->help_line().find("default") == std::string::npos);  // empty: no default shown
}

TEST_CASE("the settings outside the digest are the per-device ones") {
  std::set<std::string_view> outside;
  for (const auto& s : setting_table())
    if (!s.computes) outside.insert(s.key);
  CHECK(outside == std::set<std::string_view>{"data-dir", "heartbeat", "failure-timeout", "peer-timeout", "enforce-memory", "device", "network",
                                              "platform", "timing-only", "faults", "memory-budget", "colocate-servers",
                                              "allow-divergence", "out", "overwrite", "checkpoint-dir", "resume"});
}

TEST_CASE("parse_number takes whole texts of digits only") {
  CHECK(parse_number<int>("42") == 42);
  CHECK(parse_number<int>("-7") == -7);
  CHECK(parse_number<double>("1.5e-3") == 0.0015);
  CHECK(parse_number<double>(".5") == 0.5);
  CHECK(parse_number<float>("0.05") == 0.05f);
  CHECK(parse_number<unsigned long>("18446744073709551615") == 18446744073709551615ul);
  for (const char* bad : {"", "+5", " 5", "5 ", "5x", "0x10", "1.5", "1e3", "99999999999", "--5", "inf", "nan"}) {
    CAPTURE(bad);
    CHECK(!parse_number<int>(bad));
  }
  for (const char* bad : {"", "+5", " 5", "5 ", "0x1p3", "inf", "nan", "-inf", "1,5", "1.5.2"}) {
    CAPTURE(bad);
    CHECK(!parse_number<double>(bad));
  }
  CHECK(!parse_number<unsigned long>("-3"));
}

TEST_CASE("assign refuses a bad text with a message naming the key") {
  RunConfig c;
  for (auto [key, text] : {std::pair{"batch", "+5"}, std::pair{"batch", " 5"}, std::pair{"lr", "fast"},
                           std::pair{"seed", "-3"}, std::pair{"strategy", "star"}, std::pair{"timing-only", "maybe"},
                           std::pair{"layers", "784,x"}}) {
    CAPTURE(key);
    const Status s = find_setting(key)->assign(c, text);
    REQUIRE(!s.ok());
    CHECK(s.message().starts_with(std::string("invalid value for ") + key + ": "));
    CHECK(s.message().find(text) != std::string::npos);
  }
  CHECK(c.batch == RunConfig{}.batch);  // nothing was assigned
}

TEST_CASE("a value out of its own range is named as KEY: VALUE (why)") {
  RunConfig c;
  c.servers = 5000;
  CHECK(check_setting_ranges(c).message() == "invalid value for servers: 5000 (must be in 1..4096)");
  c = {};
  c.device = "";
  CHECK(check_setting_ranges(c).message() == "invalid value for device: '' (name a device profile, e.g. pi4b)");
  CHECK(check_setting_ranges(RunConfig{}).ok());
}

TEST_CASE("config_ini writes every setting that has a value, one per line, after its comments") {
  RunConfig c;
  c.platform = "lab.xml";
  const std::string ini = config_ini(c, "first\nsecond");
  CHECK(ini.starts_with("# first\n# second\nstrategy = local\n"));
  for (const auto& s : settings(c)) {
    CAPTURE(s.key);
    if (s.value.empty()) CHECK(ini.find(fmt::format("\n{} =", s.key)) == std::string::npos);
    else CHECK(ini.find(fmt::format("\n{} = {}\n", s.key, s.value)) != std::string::npos);
  }
}

TEST_CASE("config_ini keeps an empty value that is not the default") {
  // Regression (run_options_fuzz): `data-dir = ` was left out, and the file read back with
  // the default directory: a rerun from config.ini would have read other data.
  RunConfig c;
  c.data_dir.clear();
  const std::string ini = config_ini(c);
  CHECK(ini.find("\ndata-dir = \n") != std::string::npos);
  CHECK(ini.find("\nout =") == std::string::npos);  // empty by default: still left out
}

TEST_CASE("memory-budget: a size with 1024-based suffixes, 0 or 1M..1P, shown exactly") {
  const SettingSpec* s = find_setting("memory-budget");
  REQUIRE(s != nullptr);
  CHECK(s->kind == SettingKind::bytes);
  CHECK(!s->computes);  // a budget changes whether a run may start, not what it computes
  RunConfig c;
  CHECK(c.memory_budget == 0);
  for (auto [text, bytes, shown] : {std::tuple{"2G", int64_t(2) << 30, "2G"}, {"1536M", int64_t(1536) << 20, "1536M"},
                                    {"1.5GiB", int64_t(1536) << 20, "1536M"}, {"1048576", int64_t(1) << 20, "1M"},
                                    {"0", int64_t(0), "0"}, {"1P", int64_t(1) << 50, "1P"}}) {
    CAPTURE(text);
    REQUIRE(s->assign(c, text).ok());
    CHECK(c.memory_budget == bytes);
    CHECK(s->show(c) == shown);
    CHECK(check_setting_ranges(c).ok());
  }
  for (const char* bad : {"2GB", "-1G", "1e9", "lots", "99999999999T"}) {
    CAPTURE(bad);
    const Status st = s->assign(c, bad);
    REQUIRE(!st.ok());
    CHECK(st.message().starts_with(std::string("invalid value for memory-budget: '") + bad + "' is not a size"));
  }
  c.memory_budget = 1024;
  CHECK(check_setting_ranges(c).message() ==
        "invalid value for memory-budget: 1K (must be 0 (each device's own) or 1M..1P)");
  c.memory_budget = (int64_t(1) << 50) + 1;
  CHECK(!check_setting_ranges(c).ok());
}
