// snn/thread_pool.h — the CPU threads the kernels share: work that finishes without a late thread.
//
// run_pieces(pieces, threads, f) runs f(p) for every piece p on the calling thread and up to
// threads - 1 helper threads, which claim pieces one at a time. The call returns as soon as every
// piece is done, whether or not every helper woke up. On a busy machine (a compile beside the run) the
// scheduler may park a helper for milliseconds; a fork-join region (OpenMP's barrier) would wait for
// it at every step, making two threads several times slower than one. Here a parked helper only
// misses pieces, which the others take: a busy machine costs its share of the CPU, not a multiple.
//
// Helpers are used only on cores that other programs leave free (set_load_adaptive below).
//
// Helpers spin for a short while after a job (the kernels of one step follow each other within
// microseconds), then sleep until the next one. Results do not depend on who ran which piece: the
// kernels update disjoint elements.
#pragma once

#include <cstdint>

namespace snn {
namespace backend {

void run_pieces(int64_t pieces, int64_t threads, void (*fn)(void* context, int64_t piece), void* context);

template <class F>
void run_pieces(int64_t pieces, int64_t threads, const F& f) {
  run_pieces(pieces, threads, [](void* context, int64_t piece) { (*static_cast<const F*>(context))(piece); },
             const_cast<void*>(static_cast<const void*>(&f)));
}

// Whether the calling thread is running a piece (nested calls run inline).
bool in_piece();

// On (the default), helpers are used only on cores that other programs leave free (their CPU time
// from /proc/stat, averaged over ~100 ms; Linux): beside a compile that fills the cores, kernels run
// on the calling thread. Off, every requested thread takes part (tests that count them).
void set_load_adaptive(bool enabled);
bool load_adaptive();
// How many of `wanted` helpers a kernel started now would use (0: it runs on the calling thread).
int helpers_for_load(int wanted);

}  // namespace backend
}  // namespace snn
