// snn/cuda_glue.cpp — the torch-facing side of the CUDA backend: which stream kernels run on.
// Compiled only when LibTorch has CUDA (SNN_CUDA_RUNTIME); cuda/ itself never sees a torch header.
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>

#include "snn/backend.h"

namespace snn {
namespace backend {

void* cuda_stream() { return static_cast<void*>(c10::cuda::getCurrentCUDAStream().stream()); }

int cuda_exchange_device(int index) {
  const int previous = static_cast<int>(c10::cuda::current_device());
  if (previous != index) c10::cuda::set_device(static_cast<c10::DeviceIndex>(index));
  return previous;
}

int cuda_current_device() { return static_cast<int>(c10::cuda::current_device()); }

}  // namespace backend
}  // namespace snn
