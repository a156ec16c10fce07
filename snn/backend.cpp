// snn/backend.cpp — device checks shared by every backend. The CUDA stream comes from
// snn/cuda_glue.cpp, which is compiled only when LibTorch has CUDA.
#include "snn/backend.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
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
  // Pieces of 1 ms: long enough for every helper to wake and claim some on an idle machine.
  std::mutex m;
  std::set<std::thread::id> seen;
  run_pieces(tasks, at::get_num_threads(), [&](int64_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::lock_guard<std::mutex> lock(m);
    seen.insert(std::this_thread::get_id());
  });
  return static_cast<int64_t>(seen.size());
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
