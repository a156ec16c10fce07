// snn/kernels/short_term_math.h — short-term plasticity of a projection: Tsodyks & Markram, with NEST's
// tsodyks2_synapse semantics (Tsodyks, Uziel & Markram 2000; NEST models/tsodyks2_synapse.h).
//
// Per presynaptic neuron, x (resources) and u (utilisation) as they were at its last spike, t_last.
// At a spike at t (h = t - t_last; NEST's stamp: the end of the step):
//   x <- 1 + (x - x u - 1) exp(-h/tau_rec)        (recovery from the last spike's depletion)
//   u <- U + u (1 - U) exp(-h/tau_fac)            (facilitation; exp(...) = 0 when tau_fac = 0)
// and the spike transmits w x u. The first spike transmits the initial x u unchanged (NEST 3.9 on,
// nest-simulator PR 3384; before, NEST depleted it as if a spike had come at t = 0). Exact between
// spikes (event-driven); a count of c spikes in one step applies the update c times, h = 0 after the first.
#pragma once

#include <cstdint>

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

template <typename T>
struct ShortTermTransmit {
  const T* spikes;     // [B, N_pre] this step's spike counts
  T* x;                // [B, N_pre]
  T* u;
  int64_t* last_step;  // step of the last spike (-1: none yet)
  T* out;              // [B, N_pre]: spikes weighted by x u (0 where none)
  T U;
  double tau_rec, tau_fac, dt;
  int64_t step;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const T s = spikes[k];
    if (s == T(0)) {
      out[k] = T(0);
      return;
    }
    bool first = last_step[k] < 0;
    double h = static_cast<double>(step - last_step[k]) * dt;
    T xv = x[k], uv = u[k], sum = T(0);
    for (T c = s; c > T(0); c -= T(1)) {
      if (!first) {
        const T x_decay = static_cast<T>(exp_(-h / tau_rec));
        const T u_decay = tau_fac == 0.0 ? T(0) : static_cast<T>(exp_(-h / tau_fac));
        xv = T(1) + (xv - xv * uv - T(1)) * x_decay;
        uv = U + uv * (T(1) - U) * u_decay;
      }
      sum += xv * uv;
      first = false;
      h = 0.0;
    }
    x[k] = xv;
    u[k] = uv;
    last_step[k] = step;
    out[k] = sum;
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(ShortTermTransmit)

}  // namespace kernels
}  // namespace snn
