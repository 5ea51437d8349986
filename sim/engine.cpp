#include "sim/engine.hpp"

#include <simgrid/plugins/energy.h>

namespace s4u = simgrid::s4u;

namespace ringtmp::sim {

#if defined(__SANITIZE_ADDRESS__)
#define RINGTMP_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RINGTMP_ASAN 1
#endif
#endif

std::unique_ptr<s4u::Engine> start_engine(const SimOptions& o) {
  std::vector<std::string> words = {"ringtmp-sim"};
#ifdef RINGTMP_ASAN
  // The default raw contexts switch stacks behind AddressSanitizer's back: an actor killed
  // with its host unwinds on a stack ASan does not know, and it reports a false overflow.
  // Threads are stacks it knows (slower, which only the sanitizer build pays).
  words.push_back("--cfg=contexts/factory:thread");
#endif
  words.insert(words.end(), o.simgrid_args.begin(), o.simgrid_args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  int argc = int(words.size());
  auto engine = std::make_unique<s4u::Engine>(&argc, argv.data());
  s4u::Engine::set_config("network/model:CM02");
  s4u::Engine::set_config("network/crosstraffic:0");
  sg_host_energy_plugin_init();
  if (o.wifi_energy_plugin) sg_wifi_energy_plugin_init();
  return engine;
}

}  // namespace ringtmp::sim
