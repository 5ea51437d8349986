#include "core/run_model.hpp"
#include "core/platform/calibrate.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/data/synthetic.hpp"
#include "core/data/batcher.hpp"
#include "core/model/sgd.hpp"
#include "core/parse_number.hpp"
#include "core/strategy/gradient_step.hpp"

namespace ringtmp {

int per_node_batch(const RunConfig& c) {
  switch (c.strategy) {
    case StrategyKind::ring: return std::max(1, c.batch / c.microbatches);
    case StrategyKind::ps:
    case StrategyKind::allreduce: return std::max(1, c.batch / c.nodes);
    case StrategyKind::local: break;
  }
  return c.batch;
}

FlopRate measure_flop_rate(const RunConfig& c, double min_seconds, int rounds) {
  FlopRate best;
  best.batch = per_node_batch(c);
  best.threads = std::max(c.threads, 1);
  Model model(model_layers(c), 0, Storage::values, c.threads);
  model.init(c.seed);
  Sgd sgd({c.lr, c.momentum, c.weight_decay}, model.params().size());
  auto data = make_synthetic({.features = model_input_features(c), .classes = model_classes(c),
                              .train_samples = int64_t(best.batch) * 8, .test_samples = 1, .seed = c.seed});
  Batcher batcher(data.train, best.batch, c.seed);
  GradientStep step;
  const int64_t flops_per_step = GradientStep::flops(model, best.batch) + 3 * int64_t(model.params().size());
  for (int i = 0; i < 3; ++i) step.run(model, batcher.next(), 1.0f);  // warm caches and buffers
  using clock = std::chrono::steady_clock;
  for (int round = 0; round < rounds; ++round) {
    int64_t steps = 0;
    const auto start = clock::now();
    double elapsed = 0;
    while (elapsed < min_seconds) {
      step.run(model, batcher.next(), 1.0f / float(best.batch));
      sgd.step(model.params(), model.grads());
      ++steps;
      elapsed = std::chrono::duration<double>(clock::now() - start).count();
    }
    const double rate = double(flops_per_step) * double(steps) / elapsed;
    if (rate > best.flops_per_s) {
      best.flops_per_s = rate;
      best.steps = steps;
      best.seconds = elapsed;
    }
  }
  return best;
}

namespace {

// What the OS and every other process hold now, and how that was read: MemTotal -
// MemAvailable from /proc/meminfo, or, without that file, all but the free pages (more:
// reclaimable caches count as held).
std::pair<double, std::string> memory_held_now(double ram, double page) {
  std::ifstream meminfo("/proc/meminfo");
  std::optional<double> total_kb, available_kb;
  for (std::string key, unit; meminfo >> key;) {
    std::string value;
    meminfo >> value;
    std::getline(meminfo, unit);
    if (key == "MemTotal:") total_kb = parse_number<double>(value);
    if (key == "MemAvailable:") available_kb = parse_number<double>(value);
  }
  if (total_kb && available_kb && *available_kb <= *total_kb)
    return {(*total_kb - *available_kb) * 1024, "MemTotal - MemAvailable from /proc/meminfo"};
  return {std::max(0.0, ram - double(sysconf(_SC_AVPHYS_PAGES)) * page),
          "ram_bytes - sysconf(_SC_AVPHYS_PAGES) x sysconf(_SC_PAGESIZE) (no /proc/meminfo: caches count as held)"};
}

// One write of `data` into `dir` as a checkpoint is written: a new file, written, fsynced,
// renamed, the directory fsynced. Seconds it took; the file is removed afterwards.
StatusOr<double> timed_checkpoint_write(const std::string& dir, const std::vector<char>& data) {
  std::string name = dir + "/.ringtmp-calibrate-XXXXXX";
  const auto start = std::chrono::steady_clock::now();
  int fd = mkstemp(name.data());
  if (fd < 0) return Status::errorf("{}: cannot create a file to time writes ({})", dir, std::strerror(errno));
  const std::string renamed = name + ".done";
  auto fail = [&](const char* what) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    std::remove(name.c_str());
    std::remove(renamed.c_str());
    return Status::errorf("{}: {} failed while timing writes ({})", dir, what, why);
  };
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return fail("write");
    done += size_t(n);
  }
  if (fsync(fd) != 0) return fail("fsync");
  if (close(std::exchange(fd, -1)) != 0) return fail("close");
  if (std::rename(name.c_str(), renamed.c_str()) != 0) return fail("rename");
  if (const int d = open(dir.c_str(), O_RDONLY | O_DIRECTORY); d >= 0) {
    fsync(d);  // some filesystems refuse a directory's fsync; the rename stands
    close(d);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::remove(renamed.c_str());
  return seconds;
}

std::string storage_lines(const StorageRate& s) {
  if (s.write_bps <= 0) return {};
  return fmt::format(
      "storage_write_bps = {:.6g}\n"
      "storage_write_bps_source = measured by ringtmp calibrate in {}: {} bytes written, fsynced, renamed and the "
      "directory fsynced, best of 3 in {:.4f} s, less storage_latency_s: {} / ({:.4f} - {:.6f})\n"
      "storage_latency_s = {:.6g}\n"
      "storage_latency_s_source = measured by ringtmp calibrate in {}: the same steps for 4096 bytes, best of 5\n",
      s.write_bps, s.dir, s.bytes, s.seconds, s.bytes, s.seconds, s.latency_s, s.latency_s, s.dir);
}

}  // namespace

StatusOr<StorageRate> measure_storage_write(const std::string& dir, int64_t bytes) {
  StorageRate r;
  r.dir = dir;
  r.bytes = bytes;
  std::vector<char> small(4096);
  std::vector<char> large(static_cast<size_t>(bytes));
  uint32_t x = 2463534242u;  // xorshift: bytes no filesystem can compress away
  for (auto& b : large) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    b = char(x);
  }
  std::copy_n(large.begin(), small.size(), small.begin());
  r.latency_s = 1e9;
  for (int i = 0; i < 5; ++i) {
    auto t = timed_checkpoint_write(dir, small);
    if (!t.ok()) return t.status();
    r.latency_s = std::min(r.latency_s, *t);
  }
  r.seconds = 1e9;
  for (int i = 0; i < 3; ++i) {
    auto t = timed_checkpoint_write(dir, large);
    if (!t.ok()) return t.status();
    r.seconds = std::min(r.seconds, *t);
  }
  const double transfer = std::max(r.seconds - r.latency_s, 1e-9);
  r.write_bps = std::clamp(double(bytes) / transfer, 1e3, 1e12);
  r.latency_s = std::min(r.latency_s, 60.0);
  return r;
}

std::string multicore_lines(const FlopRate& one, const FlopRate& many) {
  if (many.threads <= 1 || one.flops_per_s <= 0) return {};
  const double speedup = many.flops_per_s / one.flops_per_s;
  const double e = std::clamp((speedup - 1.0) / (many.threads - 1), 0.0, 1.0);
  return fmt::format(
      "multicore_efficiency = {:.3f}\n"
      "multicore_efficiency_source = measured by ringtmp calibrate: the same steps on {} threads ran {:.4g} flop/s "
      "against {:.4g} on one, a speed-up of {:.3f}: (speed-up - 1) / ({} - 1)\n",
      e, many.threads, many.flops_per_s, one.flops_per_s, speedup, many.threads);
}

std::string host_profile_ini(const RunConfig& c, const FlopRate& rate, const FlopRate& many,
                             const StorageRate& storage) {
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double page = double(sysconf(_SC_PAGESIZE));
  const double ram = double(sysconf(_SC_PHYS_PAGES)) * page;
  const auto [held, held_how] = memory_held_now(ram, page);
  char host[256] = "this machine";
  gethostname(host, sizeof host - 1);
  return fmt::format(
      "; This machine, written by `ringtmp calibrate` (re-run it to refresh). Every number K\n"
      "; has a K_source line. The memory figures are this machine's when calibrate ran, fixed\n"
      "; here on purpose: read at load time, whether a sim fits its budgets would change with\n"
      "; whatever else this machine runs at that moment.\n"
      "[device]\n"
      "description = {0} ({1} cores), calibrated on layers {2}, per-node batch {3}\n"
      "flops = {4:.6g}\n"
      "flops_source = measured by ringtmp calibrate: best of 3 rounds of {5} whole training steps "
      "(forward, loss, backward, SGD) of layers {2} at batch {3} on one thread, {6:.3f} s, counted flops / seconds\n"
      "cores = {1}\n"
      "cores_source = std::thread::hardware_concurrency() on {0}\n{10}"
      "ram_bytes = {7:.0f}\n"
      "ram_bytes_source = sysconf(_SC_PHYS_PAGES) x sysconf(_SC_PAGESIZE) on {0}\n"
      "os_reserved_bytes = {8:.0f}\n"
      "os_reserved_bytes_source = measured by ringtmp calibrate: {9} on {0}, what the OS and every other process "
      "held when it ran\n"
      "gpu_reserved_bytes = 0\n"
      "gpu_reserved_bytes_source = nothing to subtract: ram_bytes is the memory the kernel manages (MemTotal), "
      "which already leaves out firmware and GPU carve-outs\n"
      "idle_w = 10\n"
      "idle_w_source = assumed, not measured: no power meter is readable here; a typical small x86 server idle figure\n"
      "busy_w = 30\n"
      "busy_w_source = assumed, not measured: no power meter is readable here; a typical small x86 server all-cores figure\n"
      "{11}",
      host, cores, model_name(c), rate.batch, rate.flops_per_s, rate.steps, rate.seconds, ram, held, held_how,
      multicore_lines(rate, many), storage_lines(storage));
}

}  // namespace ringtmp
