// snn/neurons/random_step.h — Population::run_random_step: the launch of the neuron steps that draw one
// random word per neuron (PoissonInput, Izhikevich with noise, PoissonDblExp), written once.
#pragma once

#include <algorithm>

#include "snn/backend.h"
#include "snn/kernels/philox_math.h"
#include "snn/population.h"

namespace snn {

template <class F>
void Population::run_random_step(F& f, const StepContext& ctx) {
  f.seed = ctx.seed;
  f.stream = rng_stream();
  f.step = static_cast<uint64_t>(ctx.step);
  f.n = batch_size() * size();
  f.key0 = random_key0();
  backend::for_each(options().device(), (f.n + random_block() - 1) / random_block(), f,
                    std::max<int64_t>(1, backend::kCpuGrainDraws / kernels::kRandomBlock));
}

}  // namespace snn
