// snn/host_reads.cpp — the host-read counter (snn/host_reads.h), an observer of ATen's operator calls.
#include "snn/host_reads.h"

#include <ATen/record_function.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "snn/errors.h"

namespace snn {

namespace {

constexpr int64_t kNoStep = -1;
constexpr size_t kStepsListed = 100;

std::atomic<bool> g_counting{false};
std::atomic<int64_t> g_step{kNoStep};  // the step being taken, or kNoStep
std::mutex g_mutex;
HostReadCounts g_counts;  // guarded by g_mutex
at::CallbackHandle g_handle = 0;
thread_local int t_depth = 0;  // counted operators this thread is inside (a read calling another is one read)

// Operators after which the host has waited for the device, on CUDA: reads of values, and copies between
// host and device memory.
bool reads_values(const at::RecordFunction& fn) {
  static const char* const kReads[] = {"aten::_local_scalar_dense",  // item(), a tensor used as a C++ number
                                       "aten::is_nonzero",           // a tensor used as a bool
                                       "aten::nonzero",
                                       "aten::masked_select",
                                       "aten::equal",
                                       "aten::allclose",
                                       "aten::_unique",
                                       "aten::_unique2",
                                       "aten::unique_dim",
                                       "aten::unique_consecutive",
                                       "aten::unique_dim_consecutive",
                                       "aten::repeat_interleave"};  // sizes its result from the repeats
  const char* name = fn.name();
  for (const char* r : kReads) {
    if (std::strcmp(name, r) == 0) return true;
  }
  if (std::strcmp(name, "aten::copy_") == 0 && fn.inputs().size() >= 2) {
    // A copy between host and device memory: PyTorch waits for the device after a blocking one.
    const c10::IValue& dst = fn.inputs()[0];
    const c10::IValue& src = fn.inputs()[1];
    return dst.isTensor() && src.isTensor() && dst.toTensor().is_cpu() != src.toTensor().is_cpu();
  }
  if (std::strcmp(name, "aten::to") == 0) {
    // A move named with a device that is the CPU (tensor.cpu(); on a CPU network also a move to the
    // network's device): a copy between host and device on CUDA; on the CPU it does nothing, and is
    // counted so that the CPU engine's steps show it.
    for (const c10::IValue& v : fn.inputs()) {
      if (v.isDevice() && v.toDevice().is_cpu()) return true;
    }
  }
  return false;
}

struct Inside : at::ObserverContext {};

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& fn) {
  if (!reads_values(fn)) return nullptr;
  if (t_depth++ == 0) {
    const int64_t step = g_step.load(std::memory_order_relaxed);
    std::lock_guard<std::mutex> lock(g_mutex);
    if (step == kNoStep) {
      ++g_counts.outside_steps;
    } else {
      ++g_counts.in_steps;
      ++g_counts.ops_in_steps[fn.name()];
      auto& listed = g_counts.steps_with_reads;
      if (listed.size() < kStepsListed && (listed.empty() || listed.back() != step)) listed.push_back(step);
    }
  }
  return std::make_unique<Inside>();
}

void on_end(const at::RecordFunction&, at::ObserverContext* inside) {
  if (inside) --t_depth;
}

}  // namespace

HostReadCounter::HostReadCounter() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_counting.load()) throw ValueError("a host read counter is already counting; one at a time");
  g_counts = HostReadCounts{};
  g_handle = at::addGlobalCallback(
      at::RecordFunctionCallback(&on_start, &on_end).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
  g_counting.store(true);
}

void HostReadCounter::stop() {
  if (!counting_) return;
  at::removeCallback(g_handle);
  std::lock_guard<std::mutex> lock(g_mutex);
  g_counting.store(false);
  final_ = g_counts;
  counting_ = false;
}

HostReadCounts HostReadCounter::counts() const {
  if (!counting_) return final_;
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_counts;
}

HostReadStepMark::HostReadStepMark(int64_t step, bool first_of_run) {
  if (!g_counting.load(std::memory_order_relaxed)) return;  // the usual case: one load per step
  marked_ = true;
  g_step.store(step, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(g_mutex);
  ++g_counts.steps;
  g_counts.runs += first_of_run;
}

HostReadStepMark::~HostReadStepMark() {
  if (marked_) g_step.store(kNoStep, std::memory_order_relaxed);
}

}  // namespace snn
