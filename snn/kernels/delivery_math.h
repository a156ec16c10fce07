// snn/kernels/delivery_math.h — event-driven spike delivery into the targets' input ring buffers.
//
// A spike (count c) of presynaptic neuron i emitted in step s reaches synapse (i, j) with weight w and
// delay d >= 1 steps in step s + d: it adds c w to receptor r of neuron j in ring slot (s + d) % D.
// Receptor: targets with one receptor take everything on r = 0; targets with an excitatory and an
// inhibitory receptor (LIFExp) take w > 0 on r = 0 and w < 0 on r = 1 (NEST's sign convention).
// Targets that count spikes (parrots) receive c x (number of synapses): dense projections pass the
// synapse-count matrix as weights, sparse ones pass no weights (each synapse counts 1).
//
// Only the rows of neurons that spiked are read, so a step costs (spikes x fan-out), not N_pre x N_post.
//   DenseEventDelivery   element = (batch entry, chunk of targets); loops over the active pre neurons
//                        in ascending order (CPU: the sorted active list) or over all pre neurons (CUDA:
//                        deterministic without a sorted list). Every target belongs to one element: no
//                        atomics, results independent of threads.
//   SparseChunkDelivery  CPU, CSR: element = (batch entry, chunk of targets); each active row is cut to
//                        the chunk by binary search (rows are sorted by target). Deterministic.
//   SparseAtomicDelivery CUDA, CSR: element = (batch entry, active pre neuron): walks its row and adds
//                        with atomics (the order of additions, hence the last bits, may vary).
// Dense projections with one delay may instead use a matrix product (ATen: BLAS / cuBLAS) when many
// neurons spike or the batch is large; the choice is made in snn/projection.cpp.
#pragma once

#include <type_traits>

#include "snn/kernels/common.h"
#include "snn/kernels/synapse_visits.h"

namespace snn {
namespace kernels {

// An input ring [R receptors, D slots, B, N] of a target population, seen from step s: input due d
// steps later (1 <= d <= D) goes to slot (s + d) % D = step_slot + d, minus D when past the end.
template <typename T>
struct RingTarget {
  T* data;
  int64_t receptors, depth, batch, n;
  int64_t step_slot;  // s % D
  SNN_HOST_DEVICE T* at(int64_t r, int64_t slot, int64_t b) const { return data + ((r * depth + slot) * batch + b) * n; }
  SNN_HOST_DEVICE int64_t slot_after(int64_t delay) const {
    const int64_t slot = step_slot + delay;
    return slot >= depth ? slot - depth : slot;
  }
  // Offsets from at(0, 0, b) (the same for every b): of receptor 1, and of the row d steps ahead.
  SNN_HOST_DEVICE int32_t receptor_offset() const { return static_cast<int32_t>(depth * batch * n); }
  // Whether those offsets fit in int32 (add_scaled_delayed).
  bool offsets_fit_int32() const { return receptors * depth * batch * n < (int64_t{1} << 31); }
  void row_offsets(int32_t* row, int64_t max_delay) const {
    for (int64_t d = 0; d <= max_delay; ++d) row[d] = static_cast<int32_t>(slot_after(d) * batch * n);
  }
};

// Adds value at neuron j of batch entry b, `delay` steps from now, routed by sign when asked.
template <typename T>
SNN_HOST_DEVICE inline void deliver_one(const RingTarget<T>& ring, int64_t delay, int64_t b, int64_t j, T value,
                                        bool by_sign, bool atomic) {
  const int64_t r = (by_sign && value < T(0)) ? 1 : 0;
  add_to(ring.at(r, ring.slot_after(delay), b) + j, value, atomic);
}

// y[j] += c0 x0[j], then += c1 x1[j], ... for four rows in one pass over y: the same additions in the
// same order as four add_scaled calls (bitwise equal), reading and writing y once instead of four times.
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void add_scaled4(T* SNN_RESTRICT y, const T* SNN_RESTRICT x0, const T* SNN_RESTRICT x1,
                                                   const T* SNN_RESTRICT x2, const T* SNN_RESTRICT x3, T c0, T c1, T c2,
                                                   T c3, int64_t j0, int64_t j1) {
  for (int64_t j = j0; j < j1; ++j) {
    T v = y[j] + c0 * x0[j];
    v = v + c1 * x1[j];
    v = v + c2 * x2[j];
    y[j] = v + c3 * x3[j];
  }
}

// Per-synapse delays (CPU): y[row[d[j]] + j] += c x[j] for j in [j0, j1), shifted by `negative_shift`
// (to the inhibitory receptor) where c x[j] < 0. row[d] is the ring row d steps ahead, as an offset
// from y. Distinct j write distinct places, so the iterations are independent: gathers and scatters
// where the CPU has them (AVX-512), the same additions in the same order as one at a time.
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void add_scaled_delayed(T* SNN_RESTRICT y, const T* SNN_RESTRICT x,
                                                               const int32_t* SNN_RESTRICT d, const int32_t* SNN_RESTRICT row,
                                                               int32_t negative_shift, T c, int64_t j0, int64_t j1) {
  SNN_INDEPENDENT_ITERATIONS
  for (int64_t j = j0; j < j1; ++j) {
    const T v = c * x[j];
    y[row[d[j]] + (v < T(0) ? negative_shift : 0) + static_cast<int32_t>(j)] += v;
  }
}

// The same with AVX-512 intrinsics (x86-64 hosts whose CPU has it): the ring-row offsets row[d], for
// delays d < 32, come from two registers (a permute) instead of a gather; the rest is the loop
// above, so the result is bitwise the same (tests/python/test_fast_engine.py, float32 dense vs
// sparse). About 1.4x the compiled loop's rate (`snn_bench --benchmark_filter=DenseDelayed`).
#if defined(SNN_AVX512_HOST)
#define SNN_AVX512_DELIVERY 1
__attribute__((target("avx512f"))) inline void add_scaled_delayed_avx512(float* SNN_RESTRICT y, const float* SNN_RESTRICT x,
                                                                       const int32_t* SNN_RESTRICT d,
                                                                       const int32_t* SNN_RESTRICT row32,
                                                                       int32_t negative_shift, float c, int64_t j0, int64_t j1) {
  const __m512i lo = _mm512_loadu_si512(row32), hi = _mm512_loadu_si512(row32 + 16);
  const __m512 cv = _mm512_set1_ps(c);
  const __m512i shift = _mm512_set1_epi32(negative_shift);
  __m512i jv = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int32_t>(j0)),
                                _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
  int64_t j = j0;
  for (; j + 16 <= j1; j += 16) {
    const __m512 v = _mm512_mul_ps(cv, _mm512_loadu_ps(x + j));
    __m512i off = _mm512_add_epi32(_mm512_permutex2var_epi32(lo, _mm512_loadu_si512(d + j), hi), jv);
    off = _mm512_mask_add_epi32(off, _mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_LT_OQ), off, shift);
    const __m512 old = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), 0xFFFF, off, y, 4);  // (no undefined source)
    _mm512_i32scatter_ps(y, off, _mm512_add_ps(old, v), 4);
    jv = _mm512_add_epi32(jv, _mm512_set1_epi32(16));
  }
  add_scaled_delayed(y, x, d, row32, negative_shift, c, j, j1);  // the last j1 - j < 16
}
#endif

// add_scaled_delayed, through the AVX-512 version where it applies: float, `row` readable for 32
// entries and every delay below 32 (`row_in_registers`), and a CPU that has AVX-512.
template <typename T>
SNN_HOST_DEVICE inline void add_scaled_delayed_best(T* y, const T* x, const int32_t* d, const int32_t* row, bool row_in_registers,
                                                    int32_t negative_shift, T c, int64_t j0, int64_t j1) {
#if defined(SNN_AVX512_DELIVERY)
  if constexpr (std::is_same<T, float>::value) {
    if (row_in_registers && cpu_has_avx512f()) {
      add_scaled_delayed_avx512(y, x, d, row, negative_shift, c, j0, j1);
      return;
    }
  }
#else
  (void)row_in_registers;
#endif
  add_scaled_delayed(y, x, d, row, negative_shift, c, j0, j1);
}

// The positive part of c x into ex, the negative part into in.
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void add_scaled_by_sign(T* SNN_RESTRICT ex, T* SNN_RESTRICT in, const T* SNN_RESTRICT x, T c,
                                               int64_t j0, int64_t j1) {
  for (int64_t j = j0; j < j1; ++j) {
    const T v = c * x[j];
    ex[j] += v > T(0) ? v : T(0);
    in[j] += v < T(0) ? v : T(0);
  }
}

// Element e of a chunked delivery: batch entry b and targets [j0, j1).
struct TargetChunk {
  int64_t b, j0, j1;
};
SNN_HOST_DEVICE inline TargetChunk target_chunk(int64_t e, int64_t n_post, int64_t chunk) {
  const int64_t chunks = (n_post + chunk - 1) / chunk;
  const int64_t j0 = (e % chunks) * chunk;
  return {e / chunks, j0, j0 + chunk < n_post ? j0 + chunk : n_post};
}

template <typename T>
struct DenseEventDelivery {
  const T* spikes;        // [B, n_pre] counts emitted this step
  const T* weight;        // [n_pre, n_post]; synapse counts for counting targets
  const int32_t* delay;   // [n_pre, n_post] steps, or null: every synapse has `uniform_delay`
  int64_t uniform_delay;
  const int32_t* delay_row;  // CPU with delays: [max delay + 1] offset of the ring row d steps ahead
                             // from ring.at(0, 0, b) (RingTarget::row_offsets), or null
  const int32_t* list;    // active pre neurons (ascending), or null: every pre neuron is checked
  const int32_t* count;
  RingTarget<T> ring;
  int64_t n_pre, n_post, step, chunk;
  bool by_sign;
  const int32_t* by_entry = nullptr;  // CPU batches: ActiveSet::by_entry / entry_end, or null
  const int32_t* entry_end = nullptr;
  bool delay_row_in_registers = false;  // delay_row has 32 entries and every delay is below 32
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const TargetChunk tc = target_chunk(e, n_post, chunk);
    const int64_t b = tc.b, j0 = tc.j0, j1 = tc.j1;
    const EntryRows er = entry_rows(list, count, by_entry, entry_end, b, n_pre);
    // One delay, one receptor: rows that spiked in this entry, four at a time (add_scaled4).
    const T* rows[4];
    T counts[4];
    int n_rows = 0;
    T* target = (!delay && !by_sign) ? ring.at(0, ring.slot_after(uniform_delay), b) : nullptr;
    for (int64_t q = er.begin; q < er.end; ++q) {
      const int64_t i = er.rows ? er.rows[q] : q;
      const T c = spikes[b * n_pre + i];
      if (c == T(0)) continue;
      const T* w = weight + i * n_post;
      if (target) {
        rows[n_rows] = w;
        counts[n_rows++] = c;
        if (n_rows == 4) {
          add_scaled4(target, rows[0], rows[1], rows[2], rows[3], counts[0], counts[1], counts[2], counts[3], j0, j1);
          n_rows = 0;
        }
        continue;
      }
      if (delay) {
        const int32_t* d = delay + i * n_post;
        if (delay_row) {
          add_scaled_delayed_best(ring.at(0, 0, b), w, d, delay_row, delay_row_in_registers,
                                  by_sign ? ring.receptor_offset() : 0, c, j0, j1);
          continue;
        }
        for (int64_t j = j0; j < j1; ++j) {
          if (w[j] != T(0)) deliver_one(ring, d[j], b, j, c * w[j], by_sign, false);
        }
        continue;
      }
      const int64_t slot = ring.slot_after(uniform_delay);
      add_scaled_by_sign(ring.at(0, slot, b), ring.at(1, slot, b), w, c, j0, j1);
    }
    for (int r = 0; r < n_rows; ++r) add_scaled(target, rows[r], counts[r], j0, j1);
  }
};

template <typename T>
struct SparseChunkDelivery {
  const T* spikes;        // [B, n_pre]
  const T* weight;        // [S], or null: each synapse counts 1 (counting targets)
  const int64_t* row_ptr; // [n_pre + 1]
  const int32_t* post;    // [S], ascending within a row
  const int32_t* delay;   // [S] or null
  int64_t uniform_delay;
  const int32_t* list;    // active pre neurons, ascending
  const int32_t* count;
  RingTarget<T> ring;
  int64_t n_pre, n_post, step, chunk;
  bool by_sign;
  const int32_t* by_entry = nullptr;  // ActiveSet::by_entry / entry_end, or null
  const int32_t* entry_end = nullptr;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const TargetChunk tc = target_chunk(e, n_post, chunk);
    const int64_t b = tc.b;
    const int32_t j0 = static_cast<int32_t>(tc.j0), j1 = static_cast<int32_t>(tc.j1);
    const EntryRows er = entry_rows(list, count, by_entry, entry_end, b, n_pre);
    for (int64_t q = er.begin; q < er.end; ++q) {
      const int64_t i = er.rows[q];
      const T c = spikes[b * n_pre + i];
      if (c == T(0)) continue;
      // First synapse of the row with post >= j0.
      int64_t lo = row_ptr[i], hi = j0 == 0 ? lo : row_ptr[i + 1];
      while (lo < hi) {
        const int64_t mid = (lo + hi) / 2;
        if (post[mid] < j0) lo = mid + 1; else hi = mid;
      }
      const int64_t end = row_ptr[i + 1];
      if (!delay && !by_sign) {  // one delay, one receptor: the target row is fixed
        T* dst = ring.at(0, ring.slot_after(uniform_delay), b);
        if (weight) {
          for (int64_t s = lo; s < end && post[s] < j1; ++s) dst[post[s]] += c * weight[s];
        } else {
          for (int64_t s = lo; s < end && post[s] < j1; ++s) dst[post[s]] += c;
        }
        continue;
      }
      for (int64_t s = lo; s < end && post[s] < j1; ++s) {
        deliver_one(ring, delay ? delay[s] : uniform_delay, b, post[s], weight ? c * weight[s] : c, by_sign, false);
      }
    }
  }
};

template <typename T>
struct SparseAtomicDelivery {
  const T* spikes;
  const T* weight;
  const int64_t* row_ptr;
  const int32_t* post;
  const int32_t* delay;
  int64_t uniform_delay;
  const int32_t* list;
  const int32_t* count;
  RingTarget<T> ring;
  int64_t n_pre, step;
  bool by_sign;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const int64_t b = e / n_pre, q = e % n_pre;
    if (q >= *count) return;
    const int64_t i = list[q];
    const T c = spikes[b * n_pre + i];
    if (c == T(0)) return;
    for (int64_t s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
      deliver_one(ring, delay ? delay[s] : uniform_delay, b, post[s], weight ? c * weight[s] : c, by_sign, true);
    }
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(DenseEventDelivery)
SNN_CUDA_KERNEL(SparseAtomicDelivery)

}  // namespace kernels
}  // namespace snn
