// snn/distributed/spike_exchange.cpp — see spike_exchange.h.
#include "snn/distributed/spike_exchange.h"

#include <algorithm>
#include <chrono>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/population.h"

namespace snn {
namespace distributed {

namespace {

class LocalCommunicator : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  std::vector<int64_t> allgather(const std::vector<int64_t>& local, std::vector<int64_t>* counts) const override {
    if (counts) counts->assign(1, static_cast<int64_t>(local.size()));
    return local;
  }
};

// A spike of count c from global neuron i is one word, i 2^16 + c, or for c >= 2^16 - 1 two words,
// i 2^16 + 2^16 - 1 and c.
constexpr int64_t kCountBits = 16, kLongCount = (int64_t{1} << kCountBits) - 1;

// Appends a population's spikes of this step: their number, then the spikes.
void append_spikes(std::vector<int64_t>& out, Population& pop) {
  // [1, n] (distributed networks have one batch entry); a copy only when the network is on a GPU.
  const at::Tensor& held = pop.spikes();
  const bool cpu = held.is_cpu();
  const at::Tensor spikes = cpu ? held : held.cpu();
  const size_t count_at = out.size();
  out.push_back(0);
  int64_t n = 0;
  dispatch_floating(spikes.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* s = spikes.data_ptr<T>();
    auto put = [&](int64_t i) {
      const int64_t c = static_cast<int64_t>(s[i]);
      out.push_back(((pop.first() + i) << kCountBits) | std::min(c, kLongCount));
      if (c >= kLongCount) out.push_back(c);
      ++n;
    };
    if (cpu) {  // the population's spike list (ascending; its scan skips silent blocks of 64 neurons)
      kernels::for_each_spiking(pop.fired().view(), 1, [&](int64_t, int64_t i) { put(i); });
      return;
    }
    for (int64_t i = 0; i < pop.size(); ++i) {
      if (s[i] != T(0)) put(i);
    }
  });
  out[count_at] = n;
}

// Reads one population's spikes of one step at `at` (moved past them) into d [global size], and the
// spiking neurons into `listed`.
template <typename T>
void read_spikes(const int64_t* words, size_t& at, T* d, std::vector<int32_t>& listed) {
  const int64_t n = words[at++];
  for (int64_t k = 0; k < n; ++k) {
    const int64_t w = words[at++];
    const int64_t c = w & kLongCount;
    d[w >> kCountBits] = static_cast<T>(c == kLongCount ? words[at++] : c);
    listed.push_back(static_cast<int32_t>(w >> kCountBits));
  }
}

}  // namespace

const Communicator& Communicator::local() {
  static const LocalCommunicator one;
  return one;
}

SpikeExchange::SpikeExchange(const Communicator& comm, std::vector<Source> sources)
    : comm_(comm), sources_(std::move(sources)), history_(sources_.size()), listed_(sources_.size()) {
  for (const Source& src : sources_) {  // (a previous exchange may have left spikes there)
    src.pop->outgoing_.zero_();
    src.pop->outgoing_valid_ = false;
  }
}

void SpikeExchange::record(int64_t step) {
  if (message_.empty()) message_ = {step, static_cast<int64_t>(sources_.size()), 0};  // header: first step, sources, steps
  const size_t k = static_cast<size_t>(message_[2]++);  // the pending steps are consecutive
  for (size_t i = 0; i < sources_.size(); ++i) {
    const Source& src = sources_[i];
    if (src.read && !src.local_only) append_spikes(message_, *src.pop);
    if (!src.replayed && !src.local_only) continue;
    std::vector<at::Tensor>& kept = history_[i];  // buffers reused from interval to interval
    if (kept.size() <= k) kept.push_back(at::empty_like(src.pop->spikes()));
    kept[k].copy_(src.pop->spikes());
  }
}

void SpikeExchange::exchange(const std::function<void(int64_t step)>& deliver) {
  if (message_.empty()) return;
  std::vector<int64_t> lengths;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<int64_t> all = comm_.allgather(message_, &lengths);
  seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  words_sent_ += static_cast<int64_t>(message_.size());
  words_received_ += static_cast<int64_t>(all.size());
  ++exchanges_;
  const std::vector<int64_t> header(message_.begin(), message_.begin() + 3);
  message_.clear();
  // Every process's message has the same layout (steps x sources), which the headers confirm before
  // anything is delivered: every process sees the same messages, so all of them raise together.
  std::vector<size_t> cursor(lengths.size(), 0);
  for (size_t r = 1; r < lengths.size(); ++r) cursor[r] = cursor[r - 1] + static_cast<size_t>(lengths[r - 1]);
  for (size_t r = 0; r < lengths.size(); ++r) {
    const bool same = lengths[r] >= 3 && std::equal(header.begin(), header.end(), all.begin() + static_cast<int64_t>(cursor[r]));
    if (!same) {
      throw_value_error("the processes of a distributed network disagree: process ", r, " sends spikes of ",
                        lengths[r] >= 3 ? cat(all[cursor[r] + 2], " steps from step ", all[cursor[r]], " of ", all[cursor[r] + 1]) : "?",
                        " populations, this one of ", header[2], " steps from step ", header[0], " of ", header[1],
                        " (do all processes run the same script?)");
    }
    cursor[r] += 3;
  }
  for (int64_t k = 0; k < header[2]; ++k) {
    for (size_t i = 0; i < sources_.size(); ++i) {
      const Source& src = sources_[i];
      Population& pop = *src.pop;
      if (src.replayed) {
        pop.spikes_.copy_(history_[i][k]);
        pop.fired_valid_ = false;
      }
      if (!src.read) continue;
      at::Tensor& out = pop.outgoing_;
      pop.outgoing_valid_ = false;  // outgoing_fired() builds the set on request
      if (src.local_only) {
        // Only this block is ever written (the rest of outgoing_ stays 0). Sources kept home usually
        // fire densely (a Poisson drive): the set's block scan is then cheaper than a list.
        out.narrow(1, pop.first(), pop.size()).copy_(history_[i][k]);
        continue;
      }
      // Every process's spikes, in rank order: ascending, as each process's neurons are one block. On
      // the CPU only the last step's entries are cleared and the set is built from the list: work in
      // spikes, not in the global size.
      const bool cpu = out.is_cpu();
      std::vector<int32_t>& listed = listed_[i];
      at::Tensor dst = cpu ? out : at::zeros({1, pop.global_size()}, out.options().device(at::kCPU));
      dispatch_floating(dst.scalar_type(), [&](auto tag) {
        using T = decltype(tag);
        T* d = dst.data_ptr<T>();
        if (cpu) {
          for (int32_t j : listed) d[j] = T(0);
        }
        listed.clear();
        for (size_t r = 0; r < cursor.size(); ++r) read_spikes(all.data(), cursor[r], d, listed);
      });
      if (!cpu) {
        out.copy_(dst);
        continue;
      }
      pop.outgoing_fired_.build_from_list(listed, pop.global_size());
      pop.outgoing_valid_ = true;
    }
    deliver(header[0] + k);
  }
}

}  // namespace distributed
}  // namespace snn
