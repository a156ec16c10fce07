// snn/kernels/monitor_math.h — what monitors record each step, as kernels (no tensor operation per step).
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

// A step's spike counts into a monitor's int16 staging row (counts above 32767 saturate).
template <typename T>
struct SpikeRecord {
  const T* spikes;
  int16_t* out;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const T c = spikes[k];
    out[k] = static_cast<int16_t>(c > T(32767) ? T(32767) : c);
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

}  // namespace kernels
}  // namespace snn
