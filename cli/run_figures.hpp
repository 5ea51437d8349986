#pragma once
// Reading a run folder back: the figures `ringtmp validate` compares between a sim run and
// a runtime run, from the folder's iterations.csv and nodes.csv. The folders come from our
// own child runs, but a run can die mid-write or a user can point at a damaged folder, so
// every cell is checked: a missing column, a short row or a cell that is not a number is an
// error naming the file, the line and the column, never an exception.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.hpp"

namespace ringtmp::cli {

struct Figures {
  double iteration_s = 0, idle_fraction = 0, bytes_per_iteration = 0;
  std::vector<double> losses;  // NaN where the run has no loss (timing-only)
};

// A CSV text (a header line, then rows; no quoting, as run_writer writes it) as rows of
// column name -> cell.
std::vector<std::map<std::string, std::string>> parse_csv(std::string_view text);

// Steady-state seconds per iteration (the first iteration excluded: start-up), mean idle
// over the run's length, bytes sent per iteration, the loss trace. `dir` names the folder
// in errors.
StatusOr<Figures> figures_from_csv(std::string_view iterations_csv, std::string_view nodes_csv,
                                   const std::string& dir);
// The same from the folder's files (each read with a size cap).
StatusOr<Figures> read_figures(const std::filesystem::path& dir);

// A number from validate.json: "metric": {"key": X, ...}; NaN when absent.
double read_json_number(std::string_view text, std::string_view metric, std::string_view key);

}  // namespace ringtmp::cli
