// A user's SimGrid XML: what SimGrid 3.32 cannot take is refused before the run, in one line
// naming the file (in a child process: an abort there is trapped and reported); hosts
// without power figures run without energy, and a note says which.
#include "sim/xml_platform.hpp"

#include <doctest/doctest.h>

#include <fstream>

#include "core/data/synthetic.hpp"
#include "sim/simulation.hpp"
#include "tests/data/temp_dir.hpp"
#include "tests/sim/in_child.hpp"

using namespace ringtmp;
using ringtmp::testing::in_child;

namespace {

// Hosts pi-1 and pi-2 (pi-1 with `speed` and the `power` property text) joined by one cable.
std::string two_hosts(const std::string& speed = "1Gf", const std::string& bandwidth = "1MBps",
                      const std::string& power = "") {
  return "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
         "<platform version=\"4.1\">\n<zone id=\"lab\" routing=\"Full\">\n"
         "<host id=\"pi-1\" speed=\"" + speed + "\">" + power + "</host>\n"
         "<host id=\"pi-2\" speed=\"1Gf\"/>\n"
         "<link id=\"cable\" bandwidth=\"" + bandwidth + "\" latency=\"1ms\"/>\n"
         "<route src=\"pi-1\" dst=\"pi-2\"><link_ctn id=\"cable\"/></route>\n</zone>\n</platform>\n";
}

}  // namespace

TEST_CASE("the text check refuses the tags SimGrid dies on, naming file and line") {
  CHECK(sim::check_platform_xml_text(two_hosts(), "lab.xml").ok());
  auto include = sim::check_platform_xml_text("<platform>\n\n<include file=\"x.xml\"/>\n", "lab.xml");
  REQUIRE_FALSE(include.ok());
  CHECK(include.message().find("platform lab.xml:3: <include> is not supported") == 0);
  auto mount = sim::check_platform_xml_text("<platform><mount storageId=\"s\" name=\"/\"/>", "lab.xml");
  REQUIRE_FALSE(mount.ok());
  CHECK(mount.message().find("platform lab.xml:1: <mount> is not supported") == 0);
  // A comment may mention it; a longer tag name is another tag; lines are counted through comments.
  CHECK(sim::check_platform_xml_text("<!-- <include file=\"x\"/> -->\n<includes/>", "lab.xml").ok());
  auto after_comment = sim::check_platform_xml_text("<!--\n\n-->\n<include>", "lab.xml");
  REQUIRE_FALSE(after_comment.ok());
  CHECK(after_comment.message().find("lab.xml:4:") != std::string::npos);
  CHECK(sim::check_platform_xml_text("<!-- unclosed <include", "lab.xml").ok());
  CHECK_FALSE(sim::check_platform_xml_text("<include", "lab.xml").ok());
}

TEST_CASE("check_xml_platform_file refuses what SimGrid cannot take, in one line naming the file") {
  testing::TempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
  };
  CHECK(sim::check_xml_platform_file(write("good.xml", two_hosts()), 2).ok());
  const std::string no_route = "<?xml version='1.0'?>\n<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                               "<platform version=\"4.1\"><zone id=\"lab\" routing=\"Full\">"
                               "<host id=\"pi-1\" speed=\"1Gf\"/><host id=\"pi-2\" speed=\"1Gf\"/></zone></platform>";
  struct Case {
    std::string name, text, why;
    int ranks = 2;
  };
  for (const auto& [name, text, why, ranks] :
       {Case{"no-route.xml", no_route, "no route from pi-1 to pi-2"},
        Case{"zero-speed.xml", two_hosts("0f"), "host pi-1 has speed 0 flop/s"},
        Case{"negative-speed.xml", two_hosts("-1Gf"), "host pi-1 has speed -1e+09 flop/s"},
        Case{"huge-speed.xml", two_hosts("1e308f"), "host pi-1 has speed 1e+308 flop/s (must be in 0..1e+15]"},
        Case{"zero-bandwidth.xml", two_hosts("1Gf", "0Bps"), "link cable (from pi-1 to pi-2) has bandwidth 0 B/s"},
        Case{"negative-bandwidth.xml", two_hosts("1Gf", "-1MBps"), "has bandwidth -1e+06 B/s"},
        Case{"few-hosts.xml", two_hosts(), "has 2 hosts, the run needs 3", 3},
        Case{"include.xml", "<platform version=\"4.1\"><include file=\"a.xml\"/></platform>", ":1: <include> is not"},
        Case{"garbage.xml", "\x01\x02 not xml", "Parse error"},
        Case{"bad-watts.xml", two_hosts("1Gf", "1MBps", "<prop id=\"wattage_per_state\" value=\"lots\"/>"),
             "SimGrid aborted: Power properties incorrectly defined for host pi-1"}}) {
    CAPTURE(name);
    const auto path = write(name, text);
    auto s = sim::check_xml_platform_file(path, ranks);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find("platform " + path) == 0);
    CHECK(s.message().find(why) != std::string::npos);
    CHECK(s.message().find('\n') == std::string::npos);
  }
  auto missing = sim::check_xml_platform_file(dir.file("absent.xml"), 2);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.message().find(dir.file("absent.xml")) != std::string::npos);
}

// Regression (issue 11): hosts without wattage_per_state ran the whole simulation, then
// SimGrid's energy getter aborted (results lost). Now: timing as usual, energy for the
// hosts that have power figures, no total, and a note.
TEST_CASE("hosts without power figures: the run completes, their nodes get no energy, a note says so") {
  testing::TempDir dir;
  const auto path = dir.file("some-watts.xml");
  std::ofstream(path) << two_hosts("1Gf", "1MBps", "<prop id=\"wattage_per_state\" value=\"2:2:5\"/>");
  RunConfig c;
  c.strategy = StrategyKind::ring;
  c.nodes = 2;
  c.microbatches = 2;
  c.dataset = DatasetKind::synthetic;
  c.layers = {8, 16, 3};
  c.iterations = 3;
  c.platform = path;
  auto r = in_child([&] {
    const auto data = make_synthetic({.features = 8, .classes = 3, .train_samples = 256, .test_samples = 16});
    sim::SimOptions o;
    o.abort_prefix = "sim: ";
    auto run = sim::simulate(c, data, o);
    if (!run.ok()) throw std::runtime_error(run.status().message());
    const auto& nodes = run->nodes;
    return std::vector<double>{*run->sim_seconds, nodes[0].energy_j.value_or(-1), nodes[1].energy_j.value_or(-1),
                               run->energy_joules() ? 1.0 : 0.0};
  });
  REQUIRE_MESSAGE(r.ok, r.error);
  CHECK(r.values[0] > 0);
  CHECK(r.values[1] > 0);    // pi-1 has power figures
  CHECK(r.values[2] == -1);  // pi-2 has none
  CHECK(r.values[3] == 0);   // so the run has no total
  CHECK(r.stderr_text == "sim: note: platform " + path +
                             ": no wattage_per_state property on 1 of 2 hosts (pi-2): their nodes get no energy, "
                             "and energy_joules is null in summary.json\n");
}
