// `ringtmp maxmodel` end to end on a tiny budget (the plan search, the confirming
// simulations in forked children, the CSV), and its refusals of bad input (exit 2).
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/run_figures.hpp"
#include "core/parse_number.hpp"
#include "tests/data/temp_dir.hpp"

using namespace ringtmp;
using namespace ringtmp::cli;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int64_t number(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto v = parse_number<int64_t>(row.at(key));
  REQUIRE_MESSAGE(v.has_value(), key, " = ", row.at(key));
  return *v;
}

}  // namespace

TEST_CASE("maxmodel on a 64 MiB budget: ring and ps at N = 1, 2, 4, confirmed in simulation") {
  testing::TempDir dir;
  const std::string out = dir.file("maxmodel");
  const int rc = maxmodel_command({"--strategy", "ring,ps", "--nodes", "4,1,2", "--memory-budget", "64M",
                                   "--dataset", "synthetic", "--microbatches", "2", "--out", out});
  REQUIRE(rc == 0);
  const auto rows = parse_csv(read_text(out + "/maxmodel.csv"));
  REQUIRE(rows.size() == 18);  // (ring gpipe, 1f1b, async, ps 1 server, N/4 servers, N co-located) x 3
  int ring_rows = 0;
  for (const auto& row : rows) {
    CAPTURE(row.at("strategy"));
    CAPTURE(row.at("variant"));
    CAPTURE(row.at("nodes"));
    ring_rows += row.at("strategy") == "ring";
    CHECK(number(row, "params") > 0);
    CHECK(number(row, "tightest_bytes") <= number(row, "budget_bytes"));
    CHECK(number(row, "budget_bytes") == 67108864);
    CHECK(row.at("confirmed") == "yes");
    CHECK(row.at("shadows") == "no");
    CHECK(row.at("capped") == "no");
    if (row.at("variant") == "co-located") {  // one server on each worker's device: both in its budget
      CHECK(row.at("servers") == row.at("nodes"));
      CHECK(row.at("tightest_role").find("ps worker + ps server") != std::string::npos);
    }
  }
  CHECK(ring_rows == 9);
  CHECK(rows.front().at("nodes") == "1");  // N in ascending order
}

TEST_CASE("maxmodel refuses bad input with exit 2") {
  testing::TempDir dir;
  const std::string out = dir.file("never");
  const std::vector<std::vector<std::string>> bad = {
      {"--strategy", "ringg"},
      {"--strategy", "local"},
      {"--nodes", "1,0,4"},
      {"--nodes", "1,x"},
      {"--nodes", ""},
      {"--nodes"},
      {"--layers", "784,10"},
      {"--grow", "sideways"},
      {"--device", "pi9"},
      {"--network", "carrier-pigeon"},
  };
  for (auto args : bad) {
    CAPTURE(args.front());
    args.insert(args.end(), {"--no-confirm", "--out", out});
    CHECK(maxmodel_command(args) == 2);
  }
}
