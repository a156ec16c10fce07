// cuda/kernels.cu — instantiates the grid-stride launcher for every element functor listed in
// snn/kernels/cuda_launch.h. No math lives here: it is in snn/kernels/*_math.h, shared with the CPU.
#include "cuda/launch.cuh"
#include "snn/kernels/cuda_launch.h"

namespace snn {
namespace cuda {

#define SNN_DEFINE_CUDA_LAUNCH(F) \
  void launch(const F& f, int64_t n, void* stream) { launch_for_each(f, n, stream); }
SNN_CUDA_FUNCTORS(SNN_DEFINE_CUDA_LAUNCH)
#undef SNN_DEFINE_CUDA_LAUNCH

int device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return count;
}

}  // namespace cuda
}  // namespace snn
