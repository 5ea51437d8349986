// RunConfig::validate accepts the defaults and rejects each bad field with a one-line
// message naming the key as the user wrote it (flag / INI spelling); parse_int_list
// rejects anything that is not a comma-separated list of whole numbers.
#include "core/config.hpp"

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;

namespace {

struct BadField {
  const char* what;  // for the failure report
  const char* key;   // the key the message must name
  std::function<void(RunConfig&)> spoil;
};

RunConfig synthetic_config() {
  RunConfig c;
  c.dataset = DatasetKind::synthetic;
  c.layers = {8, 16, 3};
  return c;
}

}  // namespace

TEST_CASE("the defaults are valid, and so is a small synthetic run") {
  CHECK(RunConfig{}.validate().ok());
  CHECK(synthetic_config().validate().ok());
  RunConfig ring;
  ring.strategy = StrategyKind::ring;
  ring.nodes = 3;  // 784,256,128,10 has 3 layers: one per stage
  CHECK(ring.validate().ok());
  RunConfig edge;
  edge.momentum = 0.99f;
  edge.microbatches = edge.batch;
  edge.iterations = 1;
  CHECK(edge.validate().ok());
  RunConfig replicated;  // servers that sum each iteration, two of them
  replicated.strategy = StrategyKind::ps;
  replicated.nodes = 2;
  replicated.servers = 2;
  replicated.ps_mode = PsMode::ssp;
  replicated.server_replicas = 1;
  CHECK(replicated.validate().ok());
  RunConfig detection;  // just above two heartbeats is enough
  detection.heartbeat = 2;
  detection.failure_timeout = 4.001;
  CHECK(detection.validate().ok());
}

TEST_CASE("each bad field is rejected with a message naming its key") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<BadField> cases = {
      {"batch 0", "batch", [](RunConfig& c) { c.batch = 0; }},
      {"batch negative", "batch", [](RunConfig& c) { c.batch = -4; }},
      {"microbatches 0", "microbatches", [](RunConfig& c) { c.microbatches = 0; }},
      {"microbatches > batch", "microbatches", [](RunConfig& c) { c.batch = 8; c.microbatches = 9; }},
      {"lr 0", "lr", [](RunConfig& c) { c.lr = 0.0f; }},
      {"lr negative", "lr", [](RunConfig& c) { c.lr = -0.1f; }},
      {"lr nan", "lr", [=](RunConfig& c) { c.lr = nan; }},
      {"lr inf", "lr", [=](RunConfig& c) { c.lr = inf; }},
      {"momentum 1", "momentum", [](RunConfig& c) { c.momentum = 1.0f; }},
      {"momentum negative", "momentum", [](RunConfig& c) { c.momentum = -0.1f; }},
      {"momentum nan", "momentum", [=](RunConfig& c) { c.momentum = nan; }},
      {"weight-decay negative", "weight-decay", [](RunConfig& c) { c.weight_decay = -1e-4f; }},
      {"weight-decay nan", "weight-decay", [=](RunConfig& c) { c.weight_decay = nan; }},
      {"weight-decay inf", "weight-decay", [=](RunConfig& c) { c.weight_decay = inf; }},
      {"epochs 0", "epochs", [](RunConfig& c) { c.epochs = 0; }},
      {"iterations negative", "iterations", [](RunConfig& c) { c.iterations = -1; }},
      {"eval-every negative", "eval-every", [](RunConfig& c) { c.eval_every = -1; }},
      {"layers empty", "layers", [](RunConfig& c) { c.layers = {}; }},
      {"layers of one element", "layers", [](RunConfig& c) { c.layers = {784}; }},
      {"layers with a zero width", "layers", [](RunConfig& c) { c.layers = {784, 0, 10}; }},
      {"layers with a negative width", "layers", [](RunConfig& c) { c.layers = {784, -5, 10}; }},
      {"layers with a huge width", "layers", [](RunConfig& c) { c.layers = {784, (1 << 20) + 1, 10}; }},
      {"fashion-mnist with 783 inputs", "layers", [](RunConfig& c) { c.layers = {783, 10}; }},
      {"fashion-mnist with 9 outputs", "layers", [](RunConfig& c) { c.layers = {784, 9}; }},
      {"nodes 0", "nodes", [](RunConfig& c) { c.nodes = 0; }},
      {"nodes != 1 for local", "nodes", [](RunConfig& c) { c.nodes = 2; }},
      {"nodes beyond 65536", "nodes", [](RunConfig& c) { c.strategy = StrategyKind::ps; c.nodes = 65537; }},
      {"ring with more stages than layers", "nodes",
       [](RunConfig& c) { c.strategy = StrategyKind::ring; c.nodes = 4; }},
      {"servers 0", "servers", [](RunConfig& c) { c.servers = 0; }},
      {"servers beyond 4096", "servers", [](RunConfig& c) { c.servers = 4097; }},
      {"staleness negative", "staleness", [](RunConfig& c) { c.staleness = -1; }},
      {"server-replicas 2", "server-replicas", [](RunConfig& c) { c.server_replicas = 2; }},
      {"server-replicas negative", "server-replicas", [](RunConfig& c) { c.server_replicas = -1; }},
      {"server-replicas with one server", "server-replicas",
       [](RunConfig& c) { c.strategy = StrategyKind::ps; c.nodes = 2; c.server_replicas = 1; }},
      {"server-replicas under asp", "server-replicas",
       [](RunConfig& c) { c.strategy = StrategyKind::ps; c.nodes = 2; c.servers = 2; c.ps_mode = PsMode::asp; c.server_replicas = 1; }},
      {"server-replicas under ssp with a bound", "server-replicas",
       [](RunConfig& c) { c.strategy = StrategyKind::ps; c.nodes = 2; c.servers = 2; c.ps_mode = PsMode::ssp; c.staleness = 2; c.server_replicas = 1; }},
      {"synthetic with one class", "layers",
       [](RunConfig& c) { c = synthetic_config(); c.layers = {8, 1}; }},
      {"synthetic-train below one batch", "synthetic-train",
       [](RunConfig& c) { c = synthetic_config(); c.synthetic_train = c.batch - 1; }},
      {"synthetic-test 0", "synthetic-test", [](RunConfig& c) { c = synthetic_config(); c.synthetic_test = 0; }},
      {"heartbeat 0", "heartbeat", [](RunConfig& c) { c.heartbeat = 0; }},
      {"heartbeat negative", "heartbeat", [](RunConfig& c) { c.heartbeat = -1; }},
      {"heartbeat nan", "heartbeat", [=](RunConfig& c) { c.heartbeat = nan; }},
      {"heartbeat inf", "heartbeat", [=](RunConfig& c) { c.heartbeat = inf; }},
      {"failure-timeout 0", "failure-timeout", [](RunConfig& c) { c.failure_timeout = 0; }},
      {"failure-timeout nan", "failure-timeout", [=](RunConfig& c) { c.failure_timeout = nan; }},
      {"failure-timeout inf", "failure-timeout", [=](RunConfig& c) { c.failure_timeout = inf; }},
      {"failure-timeout of exactly two heartbeats", "failure-timeout",
       [](RunConfig& c) { c.heartbeat = 1; c.failure_timeout = 2; }},
      {"a heartbeat slowed past half the failure timeout", "failure-timeout", [](RunConfig& c) { c.heartbeat = 1.5; }},
  };
  for (const auto& bad : cases) {
    CAPTURE(bad.what);
    RunConfig c;
    bad.spoil(c);
    const Status s = c.validate();
    REQUIRE(!s.ok());
    INFO("message: " << s.message());
    CHECK(s.message().find(std::string("invalid value for ") + bad.key + ":") != std::string::npos);
    CHECK(s.message().find('\n') == std::string::npos);
  }
}

TEST_CASE("parse_int_list reads comma-separated whole numbers") {
  auto r = parse_int_list("784,256,128,10", "layers");
  REQUIRE(r.ok());
  CHECK(*r == std::vector<int>{784, 256, 128, 10});
  auto spaced = parse_int_list(" 8 , 16,3 ", "layers");
  REQUIRE(spaced.ok());
  CHECK(*spaced == std::vector<int>{8, 16, 3});
  auto one = parse_int_list("5", "layers");
  REQUIRE(one.ok());
  CHECK(*one == std::vector<int>{5});
  CHECK(join_ints({784, 256, 10}) == "784,256,10");
}

TEST_CASE("parse_int_list errors name the key and the bad element") {
  struct Case {
    const char* text;
    const char* bad;  // the element the message must quote
  };
  for (const Case c : {Case{"784,x,10", "'x'"}, Case{"", "''"}, Case{"784,,10", "''"},
                       Case{"784,256,", "''"}, Case{",784", "''"}, Case{"784,1.5,10", "'1.5'"},
                       Case{"784,99999999999,10", "'99999999999'"}, Case{"784;10", "'784;10'"},
                       Case{"0x10", "'0x10'"}, Case{"12abc", "'12abc'"}}) {
    CAPTURE(c.text);
    auto r = parse_int_list(c.text, "hidden-widths");
    REQUIRE(!r.ok());
    INFO("message: " << r.status().message());
    CHECK(r.status().message().find("hidden-widths") != std::string::npos);
    CHECK(r.status().message().find(c.bad) != std::string::npos);
  }
}

TEST_CASE("enum names round-trip, and unknown names are refused") {
  for (auto s : {StrategyKind::local, StrategyKind::ring, StrategyKind::ps, StrategyKind::allreduce})
    CHECK(parse_strategy(to_string(s)) == s);
  for (auto s : {Schedule::gpipe, Schedule::one_f_one_b, Schedule::async})
    CHECK(parse_schedule(to_string(s)) == s);
  for (auto m : {PsMode::bsp, PsMode::asp, PsMode::ssp}) CHECK(parse_ps_mode(to_string(m)) == m);
  for (auto d : {DatasetKind::fashion_mnist, DatasetKind::synthetic}) CHECK(parse_dataset(to_string(d)) == d);
  for (auto m : {ShardMode::iid, ShardMode::by_label}) CHECK(parse_shard_mode(to_string(m)) == m);
  CHECK(parse_schedule("1f1b") == Schedule::one_f_one_b);
  CHECK(!parse_strategy("nope"));
  CHECK(!parse_strategy("Local"));  // names are case-sensitive, as the flags document them
  CHECK(!parse_dataset("mnist"));
  CHECK(!parse_activation("sigmoid"));
}
