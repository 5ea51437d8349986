#pragma once
// A fixed team of threads for one node's kernels (--threads T): run(task) calls task(0) on
// the calling thread and task(1..T-1) on T-1 workers, and returns when every call has.
// What a task computes is decided by its index alone, never by which thread is fastest, so
// a result is the same bits run after run for a given T.
//
// Threading: run() may be called from any one thread at a time (a Model's); calls from two
// threads are serialised. Workers live as long as the pool.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ringtmp {

class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { work(t); });
  }
  ~WorkerPool() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int size() const { return int(workers_.size()) + 1; }

  void run(const std::function<void(int)>& task) {
    const std::lock_guard one_run(run_mutex_);
    {
      const std::lock_guard lock(mutex_);
      task_ = &task;
      pending_ = int(workers_.size());
      ++generation_;
    }
    wake_.notify_all();
    task(0);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return pending_ == 0; });
    task_ = nullptr;
  }

 private:
  void work(int index) {
    uint64_t seen = 0;
    while (true) {
      const std::function<void(int)>* task = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
        task = task_;
      }
      (*task)(index);
      {
        const std::lock_guard lock(mutex_);
        --pending_;
      }
      done_.notify_one();
    }
  }

  std::mutex run_mutex_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(int)>* task_ = nullptr;
  uint64_t generation_ = 0;
  int pending_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// Samples [begin, end) of task t of T over a batch: contiguous, sizes differing by one at most.
struct SampleRange {
  int begin = 0, end = 0;
  int size() const { return end - begin; }
};
inline SampleRange sample_range(int batch, int tasks, int t) {
  return {int(int64_t(batch) * t / tasks), int(int64_t(batch) * (t + 1) / tasks)};
}

}  // namespace ringtmp
