// snn/thread_pool.cpp — helpers claim pieces from one atomic word; the caller waits for pieces, not threads.
#include "snn/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SNN_PAUSE() _mm_pause()
#else
#define SNN_PAUSE() std::this_thread::yield()
#endif

namespace snn {
namespace backend {

namespace {

thread_local bool tl_in_piece = false;

// The job word: generation (24 bits) | pieces (20 bits) | next piece to claim (20 bits). A helper claims
// piece `next` of generation g with one compare-and-swap, so it cannot claim a piece of a job that
// ended: a new job changes the generation.
constexpr uint64_t kField = (uint64_t{1} << 20) - 1;
uint64_t pack(uint64_t gen, uint64_t pieces, uint64_t next) { return (gen << 40) | (pieces << 20) | next; }
uint64_t gen_of(uint64_t s) { return s >> 40; }
uint64_t pieces_of(uint64_t s) { return (s >> 20) & kField; }
uint64_t next_of(uint64_t s) { return s & kField; }

// How long a helper keeps polling for the next job before it sleeps (yielding the core after the
// first microseconds, so that on a busy machine the polling costs others little).
constexpr auto kSpin = std::chrono::microseconds(50);
// A wait for a late helper beyond twice the caller's own share plus kSlack is a stall. Stall time
// accumulates in a debt that decays with time constant kDebtTau; a debt above kDebtLimit (a helper
// parked for a time slice, or small stalls often) turns the helpers off for a back-off (the caller
// runs every piece), after which they are tried again. Occasional stalls of a fraction of a
// millisecond (a helper woken late on an idle machine) cost less than running alone would. A back-off
// that follows within kProbation of the end of the last one doubles, up to kMaxBackoff.
constexpr auto kSlack = std::chrono::microseconds(100);
constexpr double kDebtTau = 0.1, kDebtLimit = 0.001;  // s
constexpr std::chrono::steady_clock::duration kBackoff = std::chrono::milliseconds(50);
constexpr std::chrono::steady_clock::duration kMaxBackoff = std::chrono::milliseconds(1600);
constexpr auto kProbation = std::chrono::milliseconds(200);
// The machine's load is sampled at most every kLoadSample (when kernels run) and averaged with time
// constant kLoadTau: a sample is the CPU time other programs used since the previous one, over the
// wall time between them.
constexpr auto kLoadSample = std::chrono::milliseconds(50);
constexpr double kLoadTau = 0.1;  // s

std::atomic<bool> g_load_adaptive{true};

double seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

// CPU seconds the whole machine has spent busy since boot (user, nice, system, irq and softirq time of
// /proc/stat's first line; not idle, I/O wait or time stolen by a hypervisor); false where unknown.
bool machine_busy_seconds(double* busy) {
#if defined(__linux__)
  const int fd = ::open("/proc/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char text[256];
  const ssize_t n = ::read(fd, text, sizeof text - 1);
  ::close(fd);
  if (n <= 0) return false;
  text[n] = 0;
  unsigned long long user, nice, system, idle, iowait, irq, softirq;
  if (std::sscanf(text, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &system, &idle, &iowait, &irq, &softirq) != 7) {
    return false;
  }
  static const double tick = 1.0 / static_cast<double>(std::max(1L, ::sysconf(_SC_CLK_TCK)));
  *busy = static_cast<double>(user + nice + system + irq + softirq) * tick;
  return true;
#else
  (void)busy;
  return false;
#endif
}

// CPU seconds this process has used (all its threads).
double process_cpu_seconds() {
#if defined(__linux__)
  timespec t{};
  if (::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t) == 0) return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
#endif
  return 0;
}

int online_cpus() {
#if defined(__linux__)
  const long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (n > 0) return static_cast<int>(n);
#endif
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

class Pool {
 public:
  void run(int64_t pieces, int64_t threads, void (*fn)(void*, int64_t), void* context) {
    std::unique_lock<std::mutex> caller(caller_, std::try_to_lock);  // another caller busy: run inline
    const auto start = std::chrono::steady_clock::now();
    if (!caller.owns_lock() || pieces > static_cast<int64_t>(kField) || start < backoff_until_) {
      for (int64_t p = 0; p < pieces; ++p) fn(context, p);
      return;
    }
    const int helpers = helpers_allowed(static_cast<int>(threads - 1), start);
    if (helpers <= 0) {
      for (int64_t p = 0; p < pieces; ++p) fn(context, p);
      return;
    }
    grow(helpers);
    fn_ = fn;
    context_ = context;
    helpers_.store(helpers, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    failed_.store(false, std::memory_order_relaxed);
    error_ = nullptr;
    gen_ = (gen_ + 1) & ((uint64_t{1} << 24) - 1);
    state_.store(pack(gen_, static_cast<uint64_t>(pieces), 0), std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(sleep_mutex_);
      wake_.notify_all();
    }
    work(gen_);
    // Pieces a helper claimed may still run; wait for them (not for helpers that never came).
    const auto own = std::chrono::steady_clock::now();
    for (int spins = 0; done_.load(std::memory_order_acquire) < pieces; ++spins) {
      if (spins < 2000) {
        SNN_PAUSE();
      } else {
        std::this_thread::yield();
      }
    }
    // A helper that claimed a piece and was then descheduled may have made the caller wait: count it.
    note_wait(own, start);
    if (failed_.load(std::memory_order_acquire)) std::rethrow_exception(error_);
  }

  int helpers_now(int wanted) {
    std::lock_guard<std::mutex> caller(caller_);
    return std::max(0, helpers_allowed(wanted, std::chrono::steady_clock::now()));
  }

 private:
  // Helpers to use out of `wanted`: the cores that other programs leave free (their average CPU use:
  // the machine's busy time in /proc/stat less this process's own). A helper beyond them would share
  // a core with another program, and the caller would wait for it each time the scheduler parked it
  // (libgomp's OMP_DYNAMIC sizes its teams from the load average for the same reason).
  int helpers_allowed(int wanted, std::chrono::steady_clock::time_point now) {
    if (!g_load_adaptive.load(std::memory_order_relaxed)) return wanted;
    if (now >= next_sample_) {
      next_sample_ = now + kLoadSample;
      double busy = 0;
      if (!machine_busy_seconds(&busy)) return wanted;
      const double ours = process_cpu_seconds();
      if (sampled_) {
        const double wall = seconds(now - last_sample_);
        const double others = std::max(0.0, (busy - last_busy_ - (ours - last_ours_)) / wall);
        others_ += (1 - std::exp(-wall / kLoadTau)) * (others - others_);
      }
      last_sample_ = now;
      last_busy_ = busy;
      last_ours_ = ours;
      sampled_ = true;
    }
    return std::min(wanted, cpus_ - 1 - static_cast<int>(std::lround(others_)));
  }

  // After a job: a wait for helpers (since `own`, when the caller's pieces were done) beyond twice the
  // caller's share plus kSlack adds to the stall debt; a debt over kDebtLimit starts a back-off.
  void note_wait(std::chrono::steady_clock::time_point own, std::chrono::steady_clock::time_point start) {
    const auto now = std::chrono::steady_clock::now();
    const double excess = seconds(now - own) - seconds(2 * (own - start) + kSlack);
    if (excess <= 0) return;
    debt_ = debt_ * std::exp(-seconds(now - debt_time_) / kDebtTau) + excess;
    debt_time_ = now;
    if (debt_ < kDebtLimit) return;
    debt_ = 0;
    backoff_ = now - backoff_until_ < kProbation ? std::min(2 * backoff_, kMaxBackoff) : kBackoff;
    backoff_until_ = now + backoff_;
  }

  // Claims and runs pieces of job `gen` until none is left.
  void work(uint64_t gen) {
    for (;;) {
      uint64_t s = state_.load(std::memory_order_acquire);
      if (gen_of(s) != gen || next_of(s) >= pieces_of(s)) return;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) continue;
      // Claimed: the job cannot end before this piece is counted, so fn_ and context_ are its own.
      // After a piece threw, the rest are counted without running; the caller rethrows.
      if (!failed_.load(std::memory_order_acquire)) {
        tl_in_piece = true;
        try {
          fn_(context_, static_cast<int64_t>(next_of(s)));
        } catch (...) {
          std::lock_guard<std::mutex> lock(error_mutex_);
          if (!failed_.exchange(true)) error_ = std::current_exception();
        }
        tl_in_piece = false;
      }
      done_.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void grow(int helpers) {
    while (static_cast<int>(workers_.size()) < helpers) {
      const int index = static_cast<int>(workers_.size());
      workers_.emplace_back([this, index] { helper(index); });
      workers_.back().detach();  // they live as long as the process (the pool is never destroyed)
    }
  }

  void helper(int index) {
    uint64_t seen = gen_of(state_.load(std::memory_order_acquire));
    for (;;) {
      uint64_t s = state_.load(std::memory_order_acquire);
      if (gen_of(s) == seen) {
        const auto until = std::chrono::steady_clock::now() + kSpin;
        bool fresh = false;
        for (int k = 0; !fresh; ++k) {
          if (k < 256) {
            SNN_PAUSE();
          } else {
            std::this_thread::yield();
          }
          fresh = gen_of(state_.load(std::memory_order_acquire)) != seen;
          if (!fresh && (k & 63) == 63 && std::chrono::steady_clock::now() > until) break;
        }
        if (!fresh) {
          std::unique_lock<std::mutex> lock(sleep_mutex_);
          sleepers_.fetch_add(1, std::memory_order_seq_cst);
          wake_.wait(lock, [&] { return gen_of(state_.load(std::memory_order_seq_cst)) != seen; });
          sleepers_.fetch_sub(1, std::memory_order_seq_cst);
        }
        continue;
      }
      seen = gen_of(s);
      if (index < helpers_.load(std::memory_order_relaxed)) work(seen);
    }
  }

  std::mutex caller_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> state_{0};
  std::atomic<int64_t> done_{0};
  std::atomic<int> helpers_{0};
  uint64_t gen_ = 0;
  void (*fn_)(void*, int64_t) = nullptr;
  void* context_ = nullptr;
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
  std::atomic<int> sleepers_{0};
  std::atomic<bool> failed_{false};
  // The caller's (under caller_):
  std::chrono::steady_clock::time_point backoff_until_{};
  std::chrono::steady_clock::duration backoff_ = kBackoff;
  double debt_ = 0;  // s of stalls, decaying
  std::chrono::steady_clock::time_point debt_time_{};
  std::chrono::steady_clock::time_point next_sample_{}, last_sample_{};
  double last_busy_ = 0, last_ours_ = 0;
  double others_ = 0;  // average CPUs used by other programs
  bool sampled_ = false;
  const int cpus_ = online_cpus();
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: detached helpers may still poll it at exit
  return *p;
}

}  // namespace

bool in_piece() { return tl_in_piece; }

void set_load_adaptive(bool enabled) { g_load_adaptive.store(enabled); }

bool load_adaptive() { return g_load_adaptive.load(); }

int helpers_for_load(int wanted) { return pool().helpers_now(wanted); }

void run_pieces(int64_t pieces, int64_t threads, void (*fn)(void*, int64_t), void* context) {
  if (pieces <= 0) return;
  if (threads <= 1 || pieces == 1 || tl_in_piece) {
    for (int64_t p = 0; p < pieces; ++p) fn(context, p);
    return;
  }
  pool().run(pieces, threads, fn, context);
}

}  // namespace backend
}  // namespace snn
