// snn/kernels/monitor_math.h — what monitors record each step, as kernels (no tensor operation per step).
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

// A step's spike counts into a monitor's int16 staging row (counts above 32767 saturate), elements
// [k0, k1) (a loop the compiler vectorises).
template <typename T>
SNN_VECTOR_CLONES SNN_HOST_DEVICE void spike_record_block(const T* SNN_RESTRICT spikes, int16_t* SNN_RESTRICT out, int64_t k0,
                                                          int64_t k1) {
  for (int64_t k = k0; k < k1; ++k) {
    const T c = spikes[k];
    out[k] = static_cast<int16_t>(c > T(32767) ? T(32767) : c);
  }
}

// Element e: elements [e block, (e + 1) block) of the n (the CPU: blocks; CUDA: block 1).
template <typename T>
struct SpikeRecord {
  const T* spikes;
  int16_t* out;
  int64_t n, block;
  SNN_HOST_DEVICE void operator()(int64_t e) const {
    const ItemRange r = block_items(e, block, n);
    spike_record_block(spikes, out, r.begin, r.end);
  }
};

// Chosen columns of a [rows, cols] state into a [rows, m] sample: element e = (row, chosen column).
template <typename T>
struct StateGather {
  const T* src;
  T* out;
  const int64_t* columns;  // [m]
  int64_t cols, m;
  SNN_HOST_DEVICE void operator()(int64_t e) const { out[e] = src[(e / m) * cols + columns[e % m]]; }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(SpikeRecord)
SNN_CUDA_KERNEL(StateGather)

}  // namespace kernels
}  // namespace snn
