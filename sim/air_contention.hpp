#pragma once
// The transfers in flight on each Wi-Fi cell's air, which the air's capacity depends on
// (a profile's air_efficiency). SimGrid's own count of the flows on a link cannot serve:
// its solver counts only flows whose weight on the link is at least 1, and a wifi flow
// weighs 1 / (a station's bytes per second). So SimNetwork counts its puts: it starts one
// and ends it in the same scheduling round as SimGrid's transfer starts and ends, before
// the solver shares the air again.
#include <cstddef>
#include <vector>

namespace ringtmp::sim {

class AirContention {
 public:
  // cell_of_rank[r]: the cell (access point) rank r's station is on.
  explicit AirContention(std::vector<int> cell_of_rank, int cells)
      : cell_of_rank_(std::move(cell_of_rank)), flows_(size_t(cells), 0) {}

  // A transfer from -> to is on the air of the sender's cell and, when another, the
  // receiver's. One within a cell counts once, though it crosses the air twice.
  void start(int from, int to) { change(from, to, +1); }
  void end(int from, int to) { change(from, to, -1); }

  int flows(int cell) const { return flows_[size_t(cell)]; }
  int cell_of(int rank) const { return cell_of_rank_[size_t(rank)]; }
  int cells() const { return int(flows_.size()); }

 private:
  void change(int from, int to, int by) {
    const int a = cell_of_rank_[size_t(from)], b = cell_of_rank_[size_t(to)];
    flows_[size_t(a)] += by;
    if (b != a) flows_[size_t(b)] += by;
  }

  std::vector<int> cell_of_rank_;
  std::vector<int> flows_;
};

}  // namespace ringtmp::sim
