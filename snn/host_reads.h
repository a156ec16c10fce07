// snn/host_reads.h — a debug counter of the host's reads of tensor values during steps.
//
// On CUDA, every read of a device value by the host (item(), nonzero, masked_select, a copy to the CPU)
// waits for the device to finish all queued work, which is what makes a step of small launches slow; so
// does a blocking copy from host memory to the device (PyTorch synchronises after it). Both count.
// A step should make none: its decisions are made on the device or fixed once per run (docs/gpu.md).
// While a HostReadCounter exists it observes ATen's operator calls (at::RecordFunction) and counts the
// operators that read values back, separately inside the steps of any network (Network::run_steps marks
// them) and outside (input checks at the start of a run, monitor flushes at its end). Nothing is
// observed, and nothing costs, while no counter exists.
//
// The same operators are counted on the CPU, where they are cheap: a read the CPU engine makes in a
// step is one the CUDA engine would make too, unless that code is CPU-only.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace snn {

struct HostReadCounts {
  int64_t runs = 0;           // runs started while counting (their first step was taken)
  int64_t steps = 0;          // steps taken while counting
  int64_t in_steps = 0;       // reads inside them
  int64_t outside_steps = 0;  // reads between steps (run set-up and end, monitors read by the script)
  std::map<std::string, int64_t> ops_in_steps;  // operator name -> reads inside steps
  std::vector<int64_t> steps_with_reads;        // network steps with a read, the first 100
};

// Counts from construction until stop() or destruction; one at a time (ValueError for a second).
class HostReadCounter {
 public:
  HostReadCounter();
  ~HostReadCounter() { stop(); }
  HostReadCounter(const HostReadCounter&) = delete;
  HostReadCounter& operator=(const HostReadCounter&) = delete;
  void stop();
  HostReadCounts counts() const;  // so far, or at stop()

 private:
  bool counting_ = true;
  HostReadCounts final_;
};

// Set by Network::run_steps around each step (cheap when no counter exists).
class HostReadStepMark {
 public:
  // `first_of_run`: the step starts a run (Network::run_steps's first).
  HostReadStepMark(int64_t step, bool first_of_run);
  ~HostReadStepMark();

 private:
  bool marked_ = false;
};

}  // namespace snn
