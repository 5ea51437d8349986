// launch's fault player: the schedule's signals in time order, each sent once when due, a
// pause's continue after its stop, a kill a stop until the others have ended; a stopping
// launch continues whoever is still paused and ends whoever was killed.
#include "cli/fault_player.hpp"

#include <csignal>
#include <utility>
#include <vector>

#include <doctest/doctest.h>

using namespace ringtmp;
using namespace ringtmp::cli;

namespace {

struct Recorder {
  std::vector<std::pair<int, int>> sent;  // (rank, signal)
  FaultPlayer::Send send() {
    return [this](int rank, int signal) { sent.emplace_back(rank, signal); };
  }
};

FaultPlayer player_of(const char* schedule, int ranks, Recorder& r) {
  auto faults = parse_fault_schedule(schedule, ranks);
  REQUIRE(faults.ok());
  return FaultPlayer(*faults, r.send());
}

}  // namespace

TEST_CASE("faults are played in time order, each signal once, when due") {
  Recorder r;
  auto player = player_of("pause:2@1+3,kill:1@2,pause:0@5+0.5", 3, r);
  auto next = player.play(0.5);
  CHECK(r.sent.empty());
  REQUIRE(next);
  CHECK(*next == doctest::Approx(0.5));
  next = player.play(1.0);
  CHECK(r.sent == std::vector<std::pair<int, int>>{{2, SIGSTOP}});
  CHECK(*next == doctest::Approx(1.0));
  player.play(1.5);  // nothing new is due: nothing sent twice
  CHECK(r.sent.size() == 1);
  next = player.play(4.2);  // late: the kill (2 s) and the pause's end (4 s) together, in order
  CHECK(r.sent == std::vector<std::pair<int, int>>{{2, SIGSTOP}, {1, SIGSTOP}, {2, SIGCONT}});
  CHECK(*next == doctest::Approx(0.8));
  player.play(5.0);
  next = player.play(5.5);
  CHECK(r.sent.back() == std::pair<int, int>{0, SIGCONT});
  CHECK(r.sent.size() == 5);
  CHECK_FALSE(next);  // all played
  CHECK(player.killed_at(1) == doctest::Approx(4.2));  // when it was played
  CHECK_FALSE(player.killed_at(2));
  std::vector<bool> running = {false, true, true};
  const auto is_running = [&](int rank) { return bool(running[size_t(rank)]); };
  player.end_killed_if_alone(is_running, 3);  // node 2 still trains: the killed node 1 stays silent
  CHECK(r.sent.size() == 5);
  running[2] = false;
  player.end_killed_if_alone(is_running, 3);
  CHECK(r.sent.back() == std::pair<int, int>{1, SIGKILL});
  player.end_killed_if_alone(is_running, 3);  // once
  player.release();
  CHECK(r.sent.size() == 6);
}

TEST_CASE("a node killed is not signalled again by a later fault of its own") {
  Recorder r;
  auto player = player_of("pause:1@1+2,kill:1@2", 2, r);
  player.play(10);
  CHECK(r.sent == std::vector<std::pair<int, int>>{{1, SIGSTOP}, {1, SIGSTOP}});  // no continue at 3 s
  player.release();
  CHECK(r.sent.back() == std::pair<int, int>{1, SIGKILL});
}

TEST_CASE("a stopping launch continues the nodes still paused, ends the killed, and no other") {
  Recorder r;
  auto player = player_of("pause:1@1+10,pause:2@1+0.5,pause:0@3+1,kill:3@1.5", 4, r);
  player.play(2);  // 1 and 2 stopped, 3 killed, 2 continued
  REQUIRE(r.sent.size() == 4);
  player.release();
  CHECK(r.sent == std::vector<std::pair<int, int>>{{1, SIGSTOP}, {2, SIGSTOP}, {2, SIGCONT}, {3, SIGSTOP},
                                                   {1, SIGCONT}, {3, SIGKILL}});
  player.release();  // twice: nothing more
  CHECK(r.sent.size() == 6);
}

TEST_CASE("faults due at the same instant keep the schedule's order") {
  Recorder r;
  auto player = player_of("pause:1@0+1,pause:0@0+1e-9", 2, r);
  auto next = player.play(0);
  CHECK(r.sent == std::vector<std::pair<int, int>>{{1, SIGSTOP}, {0, SIGSTOP}});
  REQUIRE(next);  // the continue, 1e-9 s later, is still to come
  CHECK(*next == doctest::Approx(1e-9));
  CHECK_FALSE(player.play(1));
  CHECK(r.sent == std::vector<std::pair<int, int>>{{1, SIGSTOP}, {0, SIGSTOP}, {0, SIGCONT}, {1, SIGCONT}});
}
