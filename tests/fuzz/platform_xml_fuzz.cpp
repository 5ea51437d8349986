// libFuzzer target: any bytes as a user's SimGrid XML (`sim --platform FILE`) for a run of
// 1..8 ranks (the first byte), through build_platform: SimGrid loads it, then our checks
// look for what would abort mid-run (host speeds, routes, wired bandwidths). A verdict for
// every input: a refusal (an error message), or the run's hosts, each able to compute; never
// a crash, and a SimGrid abort only as `ringtmp sim` reports it: caught by the AbortTrap, one
// line and exit 1. SimGrid allows one engine per process, so each input runs in a
// forked child: libFuzzer gets no coverage back from it and mutates the seeds blindly, at a
// few hundred inputs per second.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <sanitizer/common_interface_defs.h>

#include "sim/abort_trap.hpp"
#include "sim/engine.hpp"
#include "sim/platform.hpp"
#include "tests/fuzz/fuzz_seeds.hpp"

using namespace ringtmp;

namespace {

const std::string& xml_path() {
  static const std::string path = fuzz::scratch_path("platform-xml-fuzz", ".xml");
  return path;
}

std::vector<uint8_t> platform(char ranks, const std::string& zone) {
  return fuzz::bytes_of(std::string(1, ranks) +
                        "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                        "<platform version=\"4.1\">\n" + zone + "\n</platform>\n");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  const std::string two_hosts = "<host id=\"pi-1\" speed=\"1Gf\"/><host id=\"pi-2\" speed=\"2Gf\"/>";
  const std::string cable = "<link id=\"cable\" bandwidth=\"100MBps\" latency=\"1ms\"/>"
                            "<route src=\"pi-1\" dst=\"pi-2\"><link_ctn id=\"cable\"/></route>";
  fuzz::seed_corpus(
      *argc, *argv,
      {platform(1, "<zone id=\"lab\" routing=\"Full\">" + two_hosts + cable + "</zone>"),
       platform(1, "<zone id=\"lab\" routing=\"Full\">"
                   "<host id=\"pi-10\" speed=\"1Gf\"><prop id=\"wattage_per_state\" value=\"2:2:5\"/></host>"
                   "<host id=\"pi-9\" speed=\"2Gf\"><prop id=\"wattage_per_state\" value=\"2:2:5\"/></host>"
                   "<link id=\"cable\" bandwidth=\"100MBps\" latency=\"1ms\"/>"
                   "<route src=\"pi-9\" dst=\"pi-10\"><link_ctn id=\"cable\"/></route></zone>"),
       platform(1, "<zone id=\"lab\" routing=\"Full\">" + two_hosts + "</zone>"),
       platform(1, "<zone id=\"lab\" routing=\"Full\"><host id=\"pi-1\" speed=\"0f\"/><host id=\"pi-2\" "
                   "speed=\"1Gf\"/>" + cable + "</zone>"),
       platform(2, "<zone id=\"lab\" routing=\"Full\">" + two_hosts +
                   "<link id=\"cable\" bandwidth=\"0Bps\" latency=\"1ms\"/>"
                   "<route src=\"pi-1\" dst=\"pi-2\"><link_ctn id=\"cable\"/></route></zone>"),
       platform(2, "<zone id=\"world\" routing=\"Full\"><zone id=\"cell\" routing=\"Wifi\">"
                   "<prop id=\"access_point\" value=\"ap\"/>" + two_hosts +
                   "<router id=\"ap\"/><link id=\"air\" sharing_policy=\"WIFI\" bandwidth=\"54Mbps\" "
                   "latency=\"0ms\"/></zone></zone>"),
       platform(3, "<zone id=\"lan\" routing=\"Cluster\"><cluster id=\"c\" prefix=\"pi-\" suffix=\"\" "
                   "radical=\"0-3\" speed=\"1Gf\" bw=\"125MBps\" lat=\"50us\"/></zone>"),
       platform(3, "<cluster id=\"c\" prefix=\"pi-\" suffix=\"\" radical=\"0-3\" speed=\"1Gf\" bw=\"125MBps\" "
                   "lat=\"50us\" bb_bw=\"1GBps\" bb_lat=\"10us\"/>")});
  return 0;
}

namespace {

// The property, checked in a child process (SimGrid keeps its models per process: a second
// engine in one process aborts with "Cannot change the model after the initialization").
// The child exits 0 (a platform or a refusal), 1 (SimGrid aborted and the AbortTrap made it
// one line, as `ringtmp sim` does), kBroken (the property does not hold) or kSanitizer.
constexpr int kBroken = 98, kSanitizer = 99;

[[noreturn]] void child(int ranks) {
  __sanitizer_set_death_callback([] { ::_exit(kSanitizer); });
  sim::AbortTrap trap("platform_xml_fuzz: ");
  sim::SimOptions options;
  options.simgrid_args = {"--log=root.thres:critical"};
  const auto engine = sim::start_engine(options);  // configured as `ringtmp sim` configures it
  RunConfig c;
  c.platform = xml_path();
  auto p = sim::build_platform(c, ranks, default_platforms_dir());
  if (!p.ok()) ::_exit(p.status().message().empty() ? kBroken : 0);
  if (int(p->hosts.size()) != ranks) ::_exit(kBroken);
  for (const auto* h : p->hosts)
    if (!(h->get_speed() > 0)) ::_exit(kBroken);
  ::_exit(0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int ranks = 1 + data[0] % 8;
  fuzz::write_file(xml_path(), std::string_view(reinterpret_cast<const char*>(data + 1), size - 1));
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) child(ranks);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {}
  if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 1)) {
    std::fprintf(stderr, "platform_xml_fuzz: the child %s %d\n", WIFSIGNALED(status) ? "died of signal" : "exited with",
                 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
    std::abort();
  }
  return 0;
}
