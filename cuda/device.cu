// cuda/device.cu — what the host asks the CUDA runtime itself: how many devices there are. The kernels
// are in cuda/kernels.cu, which CMake generates from snn/kernels/ (see snn/kernels/common.h).
#include <cuda_runtime.h>

namespace snn {
namespace cuda {

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
