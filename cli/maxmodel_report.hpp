#pragma once
// `ringtmp maxmodel`'s variants and what it writes: the strategy variants it compares, one
// row per (variant, N), the CSV, the gnuplot script of the figure, and the terminal lines.
#include <string>
#include <string_view>
#include <vector>

#include "cli/maxmodel_confirm.hpp"
#include "cli/maxmodel_search.hpp"

namespace ringtmp::cli {

struct Variant {
  StrategyKind strategy = StrategyKind::ring;
  Schedule schedule = Schedule::one_f_one_b;  // ring
  bool many_servers = false;                  // ps: max(1, N/4) servers instead of 1
  bool colocated = false;                     // ps: N servers, each on a worker's device
  std::string name;                           // the CSV's variant column: "1f1b", "1-server"
  std::string label;                          // "ring 1f1b", "ps (1 server)"
};

// "ring" -> gpipe, 1f1b, async; "ps" -> 1 server, N/4 servers, N servers co-located on the
// workers' devices; "allreduce"; "all" -> every one of them. Empty for any other word.
std::vector<Variant> variants_of(std::string_view strategy);

// base with the variant's strategy, schedule and servers, at N = nodes.
RunConfig with_variant(const RunConfig& base, const Variant& v, int nodes);

struct Row {
  Variant variant;
  int nodes = 0;
  RunConfig config;  // after the search: with the largest layers found
  std::vector<StageDevice> devices;  // every rank's speed and budget
  Growth growth;
  MaxModel found;
  Confirmation confirmation;
};

struct MaxModelReport {
  RunConfig base;
  Grow grow = Grow::width;
  bool shadows = false;
  bool confirmed = false;  // the simulations ran (no --no-confirm)
  int confirm_iterations = 0;
};

std::string maxmodel_csv(const MaxModelReport& r, const std::vector<Row>& rows);
// Draws out_dir/maxmodel.png (a gnuplot variable: gnuplot -e "out_dir='...'"): the largest
// parameter count against N, log-log, a line per variant.
std::string maxmodel_gnuplot(const MaxModelReport& r, const std::vector<Row>& rows);
// text as a gnuplot string literal: single quotes, a quote doubled.
std::string gnuplot_quoted(std::string_view text);
// The pattern grown, a table of N by variant, then one line per variant with its trend in N.
void print_maxmodel(const MaxModelReport& r, const std::vector<Row>& rows);

// "1.90 G", "61.3 M", "950": parameter counts in decimal units, three significant digits.
std::string format_count(int64_t count);

}  // namespace ringtmp::cli
