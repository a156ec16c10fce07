// snn/spike_set.cpp — building the list of neurons that spiked (snn/spike_set.h).
#include "snn/spike_set.h"

#include <algorithm>
#include <cstring>

#include "snn/backend.h"
#include "snn/kernels/common.h"

namespace snn {

namespace {

// Entry b of spikes [B, n]: its spiking neurons, ascending, to list[b n ...) and their number to
// count[b] (flags: (n + 63) / 64 bytes of scratch per entry).
template <typename T>
struct EntryScan {
  const T* spikes;
  int64_t n, blocks;
  uint8_t* flags;
  int32_t* list;
  int32_t* count;
  void operator()(int64_t b) const {
    int32_t* out = list + b * n;
    int32_t m = 0;
    kernels::for_each_nonzero(spikes + b * n, n, flags + b * blocks, [&](int64_t i) { out[m++] = static_cast<int32_t>(i); });
    count[b] = m;
  }
};

}  // namespace

void SpikeSet::build(const at::Tensor& spikes) {
  const int64_t B = spikes.size(0), n = spikes.size(1);
  if (!list_.defined() || list_.numel() != n || list_.device() != spikes.device()) {
    const auto dev = at::TensorOptions().device(spikes.device());
    list_ = at::zeros({n}, dev.dtype(at::kInt));
    count_ = at::zeros({1}, dev.dtype(at::kInt));
    flag_ = at::zeros({n}, dev.dtype(at::kByte));
  }
  if (spikes.is_cuda()) {
    dispatch_floating(spikes.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      backend::for_each(spikes.device(), 1, kernels::ZeroCount{count_.data_ptr<int32_t>()});
      kernels::ActiveSetBuild<T> f{spikes.data_ptr<T>(), list_.data_ptr<int32_t>(), count_.data_ptr<int32_t>(),
                                   flag_.data_ptr<uint8_t>(), n, B};
      backend::for_each(spikes.device(), n, f);
    });
    bound_ = n;
    events_ = B * n;
    has_entries_ = false;
    return;
  }
  // CPU: ascending order (the delivery kernels rely on it for deterministic sums).
  int32_t* list = list_.data_ptr<int32_t>();
  uint8_t* flag = flag_.data_ptr<uint8_t>();
  int32_t m = 0;
  int64_t events = 0;
  std::memset(flag, 0, static_cast<size_t>(n));
  has_entries_ = B > 1;
  dispatch_floating(spikes.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* s = spikes.data_ptr<T>();
    if (!has_entries_) {
      block_flags_.resize(static_cast<size_t>((n + 63) / 64));  // scratch of for_each_nonzero
      kernels::for_each_nonzero(s, n, block_flags_.data(), [&](int64_t i) {
        flag[i] = 1;
        list[m++] = static_cast<int32_t>(i);
      });
      events = m;
      return;
    }
    // Batches: each entry's spikes counted per neuron and noted in entry order; then the neurons
    // listed in order and each one's entries placed by a counting sort (ascending).
    if (static_cast<int64_t>(entry_first_.size()) != n || static_cast<int64_t>(entries_.size()) < B * n) {
      entry_first_.resize(static_cast<size_t>(n));
      entry_size_.resize(static_cast<size_t>(n));
      entries_.resize(static_cast<size_t>(B * n));
      event_neuron_.resize(static_cast<size_t>(B * n));
      entry_end_.resize(static_cast<size_t>(B));
    }
    std::fill(entry_size_.begin(), entry_size_.end(), 0);
    // The entries are scanned in parallel, entry b listing its neurons at event_neuron_[b n ...) and
    // their number at entry_end_[b]; the lists are then moved together (each to an offset at most
    // its own, so in place) and counted per neuron: work in the number of spikes only.
    const int64_t blocks = (n + 63) / 64;
    block_flags_.resize(static_cast<size_t>(B * blocks));
    const EntryScan<T> scan{s, n, blocks, block_flags_.data(), event_neuron_.data(), entry_end_.data()};
    backend::for_each_cpu(B, scan, std::max<int64_t>(1, backend::kCpuGrainLight / n));
    for (int64_t b = 0; b < B; ++b) {
      const int32_t* own = event_neuron_.data() + b * n;
      for (int32_t k = 0, count = entry_end_[b]; k < count; ++k) {
        const int32_t i = own[k];
        ++entry_size_[i];
        event_neuron_[events++] = i;
      }
      entry_end_[b] = static_cast<int32_t>(events);
    }
    int32_t first = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (entry_size_[i] == 0) continue;
      flag[i] = 1;
      list[m++] = static_cast<int32_t>(i);
      entry_first_[i] = first;
      first += entry_size_[i];
      entry_size_[i] = 0;  // refilled below
    }
    for (int64_t b = 0, e = 0; b < B; ++b) {
      for (; e < entry_end_[b]; ++e) {
        const int32_t i = event_neuron_[e];
        entries_[entry_first_[i] + entry_size_[i]++] = static_cast<int32_t>(b);
      }
    }
  });
  *count_.data_ptr<int32_t>() = m;
  bound_ = m;
  events_ = events;
}

void SpikeSet::build_from_list(const std::vector<int32_t>& neurons, int64_t n) {
  if (!list_.defined() || list_.numel() != n || !list_.is_cpu()) {
    list_ = at::zeros({n}, at::kInt);
    count_ = at::zeros({1}, at::kInt);
    flag_ = at::zeros({n}, at::kByte);
    bound_ = 0;
  }
  int32_t* list = list_.data_ptr<int32_t>();
  uint8_t* flag = flag_.data_ptr<uint8_t>();
  for (int64_t k = 0; k < bound_; ++k) flag[list[k]] = 0;  // only the last set's flags are up
  for (size_t k = 0; k < neurons.size(); ++k) {
    list[k] = neurons[k];
    flag[neurons[k]] = 1;
  }
  has_entries_ = false;
  bound_ = events_ = static_cast<int64_t>(neurons.size());
  *count_.data_ptr<int32_t>() = static_cast<int32_t>(bound_);
}

kernels::ActiveSet SpikeSet::view() const {
  kernels::ActiveSet v{list_.data_ptr<int32_t>(), count_.data_ptr<int32_t>(), flag_.data_ptr<uint8_t>()};
  if (has_entries_) {
    v.first = entry_first_.data();
    v.size = entry_size_.data();
    v.entries = entries_.data();
    v.by_entry = event_neuron_.data();
    v.entry_end = entry_end_.data();
  }
  return v;
}

}  // namespace snn
