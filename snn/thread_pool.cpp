// snn/thread_pool.cpp — helpers claim pieces from one atomic word; the caller waits for pieces, not threads.
#include "snn/thread_pool.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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
// A wait for a late helper beyond twice the caller's own share plus kSlack turns the helpers off for
// kBackoff (the caller runs every piece), after which they are tried again.
constexpr auto kSlack = std::chrono::microseconds(100);
constexpr auto kBackoff = std::chrono::milliseconds(50);

class Pool {
 public:
  void run(int64_t pieces, int64_t threads, void (*fn)(void*, int64_t), void* context) {
    std::unique_lock<std::mutex> caller(caller_, std::try_to_lock);  // another caller busy: run inline
    const auto start = std::chrono::steady_clock::now();
    if (!caller.owns_lock() || pieces > static_cast<int64_t>(kField) || start < backoff_until_) {
      for (int64_t p = 0; p < pieces; ++p) fn(context, p);
      return;
    }
    grow(static_cast<int>(threads - 1));
    fn_ = fn;
    context_ = context;
    helpers_.store(static_cast<int>(threads - 1), std::memory_order_relaxed);
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
    // A helper that claimed a piece and was then descheduled (a busy machine) made the caller wait
    // longer than its own share took: run on the calling thread alone for a while, then try again.
    if (spins_over(own, start)) backoff_until_ = std::chrono::steady_clock::now() + kBackoff;
    if (failed_.load(std::memory_order_acquire)) std::rethrow_exception(error_);
  }

 private:
  // Whether the wait since `own` (the caller's pieces done) exceeded twice the caller's share plus kSlack.
  static bool spins_over(std::chrono::steady_clock::time_point own, std::chrono::steady_clock::time_point start) {
    const auto now = std::chrono::steady_clock::now();
    return now - own > 2 * (own - start) + kSlack;
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
  std::chrono::steady_clock::time_point backoff_until_{};  // the caller's (under caller_)
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: detached helpers may still poll it at exit
  return *p;
}

}  // namespace

bool in_piece() { return tl_in_piece; }

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
