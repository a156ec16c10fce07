// snn/kernels/cuda_launch.h — the CUDA entry points of snn: one `launch` overload per element functor.
//
// Torch-free and CUDA-free, so the host library can call into cuda/ (compiled by nvcc into
// libsnn_cuda) through plain declarations. Each launch runs f(k) for k in [0, n) on the given
// cudaStream_t (passed as void*) with a grid-stride kernel, returns at once when n == 0, and throws
// std::runtime_error with CUDA's message if the launch fails.
//
// To add a kernel: write its functor in snn/kernels/<topic>_math.h and add it to SNN_CUDA_FUNCTORS;
// cuda/kernels.cu instantiates every entry of the list.
#pragma once

#include <cstdint>

#include "snn/kernels/cond_lif_math.h"
#include "snn/kernels/delivery_math.h"
#include "snn/kernels/encoder_math.h"
#include "snn/kernels/input_math.h"
#include "snn/kernels/izhikevich_math.h"
#include "snn/kernels/lif_alpha_math.h"
#include "snn/kernels/lif_exp_math.h"
#include "snn/kernels/lif_math.h"
#include "snn/kernels/monitor_math.h"
#include "snn/kernels/neuromodulated_math.h"
#include "snn/kernels/stdp_math.h"
#include "snn/kernels/synapses.h"

// Learning rules run through the iteration schemes of snn/kernels/synapses.h.
#define SNN_CUDA_RULE_SCHEMES(X, R) \
  X(snn::kernels::EveryRow<R>)      \
  X(snn::kernels::ActiveRows<R>)    \
  X(snn::kernels::ActiveCols<R>)    \
  X(snn::kernels::SynapseWise<R>)

#define SNN_CUDA_FUNCTORS_FOR_TYPE(X, T)                                       \
  X(snn::kernels::LifDeltaStep<T>)                                             \
  X(snn::kernels::AdaptiveLifStep<T>)                                          \
  X(snn::kernels::OneSpikeSelect<T>)                                           \
  X(snn::kernels::LifExpStep<T>)                                               \
  X(snn::kernels::CondLifStep<T>)                                              \
  X(snn::kernels::LifAlphaStep<T>)                                             \
  X(snn::kernels::PoissonEncode<T>)                                            \
  X(snn::kernels::BernoulliEncode<T>)                                          \
  X(snn::kernels::LatencyEncode<T>)                                            \
  X(snn::kernels::IzhikevichStep<T>)                                           \
  X(snn::kernels::PoissonStep<T>)                                              \
  X(snn::kernels::ParrotStep<T>)                                               \
  X(snn::kernels::SpikeScheduleStep<T>)                                        \
  X(snn::kernels::DenseEventDelivery<T>)                                       \
  X(snn::kernels::SparseAtomicDelivery<T>)                                     \
  X(snn::kernels::ActiveSetBuild<T>)                                           \
  X(snn::kernels::TraceUpdate<T>)                                              \
  X(snn::kernels::SignalTake<T>)                                               \
  X(snn::kernels::SpikeCountInto<T>)                                           \
  X(snn::kernels::Fill<T>)                                                     \
  X(snn::kernels::Copy<T>)                                                     \
  X(snn::kernels::SpikeRecord<T>)                                              \
  X(snn::kernels::StateGather<T>)                                              \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::PairStdpRule<T>)                      \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::TripletStdpRule<T>)                   \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::DopamineStepRule<T>)                  \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::DopamineLazyRule<T>)                  \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::IzhikevichEligibilityRule<T>)         \
  X(snn::kernels::IzhikevichApply<T>)                                          \
  X(snn::kernels::IzhikevichHistoryStep<T>)                                    \
  X(snn::kernels::IzhikevichDelayedLtp<T>)                                     \
  X(snn::kernels::IzhikevichDelayedLtd<T>)                                     \
  SNN_CUDA_RULE_SCHEMES(X, snn::kernels::RewardStdpRule<T>)

#define SNN_CUDA_FUNCTORS(X)            \
  SNN_CUDA_FUNCTORS_FOR_TYPE(X, float)  \
  SNN_CUDA_FUNCTORS_FOR_TYPE(X, double) \
  X(snn::kernels::Fill<int64_t>)        \
  X(snn::kernels::ZeroCount)           \
  X(snn::kernels::PoissonBudgetInit)

namespace snn {
namespace cuda {

#define SNN_DECLARE_CUDA_LAUNCH(F) void launch(const F& f, int64_t n, void* stream);
SNN_CUDA_FUNCTORS(SNN_DECLARE_CUDA_LAUNCH)
#undef SNN_DECLARE_CUDA_LAUNCH

// Number of CUDA devices the runtime sees (0 when there is no driver or no device).
int device_count();

}  // namespace cuda
}  // namespace snn
