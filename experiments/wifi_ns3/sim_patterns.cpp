// The simulator's side of the Wi-Fi check (experiments/wifi_ns3/README.md): the traffic
// patterns of ns3_patterns.cc, run through ringtmp's own SimNetwork on the platform its
// builder makes from a network profile (the same code `ringtmp sim` runs, not a copy), on
// N Pi 4B stations. Writes the same CSV columns as the ns-3 program, one row per round:
//   pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean
// Patterns (a round each; every round starts when the previous one has ended everywhere):
//   pingpong   rank 0 sends S to rank 1, which answers S (N = 2): the round trip
//   stream     rank 0 sends S to rank 1, `rounds` messages back to back: each row is one
//              message's time from the previous arrival (the first: from the start)
//   ring       every rank sends S to its successor and waits for its predecessor's
//   ps         ranks 1..N-1 push S to rank 0, which then sends S to each
//   allreduce  2(N-1) steps; in each, every rank sends S/N to its successor and waits for
//              its predecessor's before the next
// Usage: sim_patterns --pattern P --network wifi-n|wifi-ac --stations N --bytes S
//                     [--rounds R] [--platforms DIR] [--latency full|air]
// --latency air: each air hop costs the profile's air_latency_s (the MAC's part) instead of
// its whole latency_s, which adds the stations' driver and stack: ns-3 models no host, so
// that is the like-for-like comparison. `ringtmp sim` always charges the whole latency_s.
#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simgrid/s4u.hpp>

#include "core/platform/energy_model.hpp"
#include "sim/engine.hpp"
#include "sim/platform.hpp"
#include "sim/sim_network.hpp"

namespace s4u = simgrid::s4u;
using namespace ringtmp;

namespace {

enum class Pattern { pingpong, stream, ring, ps, allreduce };
constexpr std::array<std::pair<Pattern, const char*>, 5> kPatternNames = {
    {{Pattern::pingpong, "pingpong"}, {Pattern::stream, "stream"}, {Pattern::ring, "ring"}, {Pattern::ps, "ps"},
     {Pattern::allreduce, "allreduce"}}};
const char* name_of(Pattern p) {
  for (const auto& [pattern, name] : kPatternNames)
    if (pattern == p) return name;
  return "?";
}

struct Options {
  Pattern pattern = Pattern::ring;
  std::string network = "wifi-n", platforms = default_platforms_dir();
  int stations = 2, rounds = 5;
  int64_t bytes = 1024;
  bool air_latency_only = false;
};

[[noreturn]] void usage(const std::string& why) {
  std::cerr << "sim_patterns: " << why
            << "\nusage: sim_patterns --pattern pingpong|stream|ring|ps|allreduce --network NAME --stations N"
               " --bytes S [--rounds R] [--platforms DIR] [--latency full|air]\n";
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
  std::map<std::string, std::string> given;
  for (int i = 1; i < argc; i += 2) {
    if (i + 1 >= argc) usage(fmt::format("{} needs a value", argv[i]));
    given[argv[i]] = argv[i + 1];
  }
  auto number = [&](const char* flag, int64_t low) {
    const std::string& text = given.at(flag);
    char* end = nullptr;
    const long long v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || v < low) usage(fmt::format("{} {}: a whole number >= {} expected", flag, text, low));
    return int64_t(v);
  };
  auto pattern = [](const std::string& text) {
    for (const auto& [p, name] : kPatternNames)
      if (text == name) return p;
    usage("unknown pattern '" + text + "'");
  };
  for (const auto& [flag, value] : given) {
    if (flag == "--pattern") o.pattern = pattern(value);
    else if (flag == "--network") o.network = value;
    else if (flag == "--platforms") o.platforms = value;
    else if (flag == "--stations") o.stations = int(number("--stations", 2));
    else if (flag == "--bytes") o.bytes = number("--bytes", 1);
    else if (flag == "--rounds") o.rounds = int(number("--rounds", 1));
    else if (flag == "--latency" && (value == "full" || value == "air")) o.air_latency_only = value == "air";
    else if (flag == "--latency") usage("--latency " + value + ": full or air expected");
    else usage("unknown flag " + flag);
  }
  if (!given.count("--pattern")) usage("--pattern is required");
  if (o.pattern == Pattern::pingpong || o.pattern == Pattern::stream) o.stations = 2;
  return o;
}

constexpr double kForever = 1e9;  // simulated seconds: a wait that only a message ends

// What one rank does in one round, on its own actor. Returns when its part is done.
class Round {
 public:
  Round(sim::SimNetwork& net, const Options& o) : net_(net), o_(o) {}

  void play(int rank) {
    const int n = net_.size();
    switch (o_.pattern) {
      case Pattern::pingpong:
        if (rank == 0) send(0, 1, o_.bytes), receive(0);
        else receive(1), send(1, 0, o_.bytes);
        break;
      case Pattern::stream:
        if (rank == 0) send(0, 1, o_.bytes);
        else receive(1);
        break;
      case Pattern::ring:
        send(rank, (rank + 1) % n, o_.bytes);
        receive(rank);
        break;
      case Pattern::ps:
        if (rank == 0) {
          for (int w = 1; w < n; ++w) receive(0);
          for (int w = 1; w < n; ++w) send(0, w, o_.bytes);
        } else {
          send(rank, 0, o_.bytes);
          receive(rank);
        }
        break;
      case Pattern::allreduce:
        for (int step = 0; step < 2 * (n - 1); ++step) {
          send(rank, (rank + 1) % n, allreduce_chunk());
          receive(rank);
        }
        break;
    }
  }

  // Application bytes the round moves between stations (for goodput).
  int64_t bytes_moved() const {
    const int64_t n = net_.size();
    switch (o_.pattern) {
      case Pattern::pingpong: return 2 * o_.bytes;
      case Pattern::stream: return o_.bytes;
      case Pattern::ring: return n * o_.bytes;
      case Pattern::ps: return 2 * (n - 1) * o_.bytes;
      case Pattern::allreduce: return 2 * (n - 1) * n * allreduce_chunk();
    }
    return 0;
  }

 private:
  int64_t allreduce_chunk() const { return std::max<int64_t>(1, o_.bytes / net_.size()); }
  void send(int from, int to, int64_t bytes) { net_.post(from, to, Message{}, bytes); }
  void receive(int rank) {
    const Event e = net_.wait(rank, kForever);
    if (!std::holds_alternative<Received>(e)) throw std::runtime_error(fmt::format("rank {}: no message", rank));
  }
  sim::SimNetwork& net_;
  const Options& o_;
};

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  sim::SimOptions so;
  so.platforms_dir = o.platforms;
  auto engine = sim::start_engine(so);
  RunConfig c;
  c.network = o.network;
  c.device = "pi4b";
  c.nodes = o.stations;
  auto platform = sim::build_platform(c, o.stations, o.platforms);
  if (!platform.ok()) {
    std::cerr << "sim_patterns: " << platform.status().message() << "\n";
    return 2;
  }
  if (o.air_latency_only) {
    const auto& air_latency_s = platform->network->air_latency_s;
    if (!air_latency_s) {
      std::cerr << "sim_patterns: --latency air: profile " << o.network << " has no air_latency_s\n";
      return 2;
    }
    // The air's part is carried as bytes on the air (air_message_bytes); the rest goes.
    platform->delivery_delay_s -= sim::stack_delay_s(*platform->network);
  }
  sim::SimNetwork net(*platform, sim::failure_detection(c));
  Round round(net, o);
  auto barrier = s4u::Barrier::create(unsigned(o.stations));
  std::vector<double> ends(size_t(o.rounds), 0.0);  // when each round's last rank finished
  for (int r = 0; r < o.stations; ++r) {
    auto actor = s4u::Actor::create(fmt::format("station-{}", r), platform->hosts[size_t(r)], [&, r] {
      for (int i = 0; i < o.rounds; ++i) {
        round.play(r);
        ends[size_t(i)] = std::max(ends[size_t(i)], s4u::Engine::get_clock());
        if (o.pattern != Pattern::stream) barrier->wait();  // a stream's messages go back to back
      }
    });
    net.set_receiver(r, actor);
  }
  engine->run();

  const double end = s4u::Engine::get_clock();
  double radio_j = 0;
  for (int r = 0; r < o.stations; ++r)
    radio_j += radio_use(*platform->network, net.air(r).bytes_sent, net.air(r).bytes_received, end).energy_j;
  const std::string standard = o.network == "wifi-ac" ? "ac" : o.network == "wifi-n" ? "n" : o.network;
  // As ns3_patterns.cc's column: one station's radio over one round (here the run's, shared out).
  const double radio_j_per_station_round = radio_j / o.stations / o.rounds;
  std::cout << "pattern,standard,stations,bytes,round,seconds,goodput_bps,radio_joules_mean\n";
  double start = 0;
  for (size_t i = 0; i < ends.size(); ++i) {
    const double s = ends[i] - start;
    start = ends[i];
    std::cout << fmt::format("{},{},{},{},{},{:.9g},{:.6g},{:.6g}\n", name_of(o.pattern), standard, o.stations,
                             o.bytes, i, s, 8.0 * double(round.bytes_moved()) / s, radio_j_per_station_round);
  }
  return 0;
}
