// snn/backend.cpp — device checks shared by every backend. The CUDA stream comes from
// snn/cuda_glue.cpp, which is compiled only when LibTorch has CUDA.
#include "snn/backend.h"

#include <algorithm>
#include <atomic>
#include <vector>

namespace snn {

#if defined(SNN_CUDA_RUNTIME)
namespace cuda {
int device_count();  // cuda/device.cu: 0 when there is no driver or no device
}  // namespace cuda
#endif

namespace backend {

bool cuda_built() {
#if defined(SNN_CUDA_RUNTIME)
  return true;
#else
  return false;
#endif
}

#if !defined(SNN_CUDA_RUNTIME)
void* cuda_stream() { throw ValueError("snn was built without CUDA support"); }
int cuda_exchange_device(int) { throw ValueError("snn was built without CUDA support"); }
int cuda_current_device() { throw ValueError("snn was built without CUDA support"); }
#endif

int64_t cpu_threads_used(int64_t tasks) {
  std::vector<std::atomic<int>> seen(static_cast<size_t>(std::max(1, at::get_num_threads())));
  at::parallel_for(0, tasks, 1, [&seen](int64_t, int64_t) { seen[static_cast<size_t>(at::get_thread_num()) % seen.size()] = 1; });
  int64_t used = 0;
  for (const auto& s : seen) used += s.load();
  return used;
}

DeviceScope::DeviceScope(const c10::Device& device) {
  if (device.is_cuda()) previous_ = cuda_exchange_device(device.has_index() ? device.index() : 0);
}

DeviceScope::~DeviceScope() {
  if (previous_ >= 0) cuda_exchange_device(previous_);
}

c10::Device usable_device(const c10::Device& device) {
  if (device.is_cpu()) return device;
  if (!device.is_cuda()) throw_value_error("device must be 'cpu' or 'cuda[:index]', got '", device.str(), "'");
  if (!cuda_built()) {
    throw_value_error("device '", device.str(),
                      "': this snn was built without CUDA (it needs nvcc at build time and a LibTorch with CUDA); "
                      "use device='cpu' or rebuild with CUDA");
  }
#if defined(SNN_CUDA_RUNTIME)
  const int count = snn::cuda::device_count();
  if (count == 0) throw_value_error("device '", device.str(), "': no CUDA device is present");
  if (device.has_index() && device.index() >= count) {
    throw_value_error("device '", device.str(), "': only ", count, " CUDA device(s) present");
  }
  if (!device.has_index()) return c10::Device(c10::kCUDA, static_cast<c10::DeviceIndex>(cuda_current_device()));
#endif
  return device;
}

}  // namespace backend
}  // namespace snn
