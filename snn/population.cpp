// snn/population.cpp — the model-independent part of a population: parameter table, state registry,
// input ring buffer.
#include "snn/population.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/philox_math.h"

namespace snn {

// ---- ParamTable -------------------------------------------------------------------------------

const ParamSpec* ParamTable::find(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool ParamTable::has(std::string_view name) const { return find(name) != nullptr; }

std::vector<std::string> ParamTable::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.name);
  return out;
}

static std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

double ParamTable::get(std::string_view name) const {
  const ParamSpec* s = find(name);
  if (!s) throw_value_error("unknown parameter '", name, "'; parameters: ", joined(names()));
  return s->value;
}

void ParamTable::set(const std::string& name, double value, const std::string& owner) {
  ParamSpec* s = const_cast<ParamSpec*>(find(name));
  if (!s) throw_value_error(owner, " has no parameter '", name, "'; parameters: ", joined(names()));
  const std::string unit = s->unit.empty() ? "" : " " + s->unit;
  switch (s->constraint) {
    case Constraint::Finite:
      if (!std::isfinite(value)) throw_value_error(owner, ": ", name, " must be finite, got ", value);
      break;
    case Constraint::Positive:
      if (!(value > 0) || !std::isfinite(value)) throw_value_error(owner, ": ", name, " must be > 0", unit, ", got ", value);
      break;
    case Constraint::NonNegative:
      if (!(value >= 0) || !std::isfinite(value)) throw_value_error(owner, ": ", name, " must be >= 0", unit, ", got ", value);
      break;
    case Constraint::PositiveOrInf:
      if (!(value > 0)) throw_value_error(owner, ": ", name, " must be > 0", unit, " (inf allowed), got ", value);
      break;
    case Constraint::NotNaN:
      if (std::isnan(value)) throw_value_error(owner, ": ", name, " must not be NaN");
      break;
    case Constraint::Bool:
      if (value != 0.0 && value != 1.0) throw_value_error(owner, ": ", name, " must be 0 or 1 (false or true), got ", value);
      break;
  }
  s->value = value;
  ++version_;
}

// ---- SpikeSet ---------------------------------------------------------------------------------

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

// ---- Population -------------------------------------------------------------------------------

// Neurons per element of the random-drawing kernels on this population's device (see
// kernels::kRandomBlock: 256 in host code, one Philox block per CUDA thread).
int64_t Population::random_block() const { return options_.device().is_cuda() ? 4 : kernels::kRandomBlock; }

const SpikeSet& Population::fired() {
  if (!fired_valid_) {
    fired_.build(spikes_);
    fired_valid_ = true;
  }
  return fired_;
}

Population::Population(std::string model, int64_t n, ParamTable params)
    : params_(std::move(params)), model_(std::move(model)), n_(n) {
  if (n <= 0) throw_value_error(model_, ": the number of neurons n must be > 0, got ", n);
}

Population::~Population() = default;

void Population::declare_state(const std::string& name, const std::string& unit, bool learned, at::ScalarType dtype) {
  StateVar v{name, unit, at::Tensor(), learned};
  if (dtype != at::ScalarType::Undefined) v.tensor = at::empty({0}, at::TensorOptions().dtype(dtype));
  state_.push_back(std::move(v));
}

std::vector<std::string> Population::state_names() const {
  std::vector<std::string> out;
  for (const auto& v : state_) out.push_back(v.name);
  return out;
}

const at::Tensor& Population::state(std::string_view name) const {
  for (const auto& v : state_) {
    if (v.name == name) return v.tensor;
  }
  throw_value_error(model_, " '", name_, "' has no state variable '", name, "'; state variables: ", joined(state_names()));
}

at::Tensor& Population::mutable_state(std::string_view name) { return const_cast<at::Tensor&>(state(name)); }

void Population::set_state(const std::string& name, const at::Tensor& value) {
  at::Tensor& dst = mutable_state(name);
  if (!value.defined()) throw_value_error("state '", name, "': got an undefined tensor");
  if (value.device() != dst.device()) {
    throw_value_error("state '", name, "' lives on ", dst.device(), "; got a tensor on ", value.device());
  }
  if (value.dim() > 2 || (value.dim() >= 1 && value.size(-1) != n_) || (value.dim() == 2 && value.size(0) != batch_)) {
    throw_value_error("state '", name, "' has shape [", batch_, ", ", n_, "]; got ", value.sizes(),
                      " (a scalar, [N] or [B, N] is accepted)");
  }
  if (at::isFloatingType(dst.scalar_type()) && !at::isFloatingType(value.scalar_type())) {
    throw_type_error("state '", name, "' is ", dst.scalar_type(), "; got a tensor of ", value.scalar_type());
  }
  if (at::isFloatingType(value.scalar_type()) && !value.isfinite().all().item<bool>()) {
    throw_value_error("state '", name, "': values must be finite");
  }
  dst.copy_(value.expand_as(dst));
}

void Population::set_param(const std::string& name, double value) { set_params({{name, value}}); }

void Population::set_params(const ParamMap& values) {
  ParamTable candidate = params_;
  const std::string owner = model_ + (name_.empty() ? "" : " '" + name_ + "'");
  for (const auto& [name, value] : values) candidate.set(name, value, owner);
  check_params(candidate);
  params_ = std::move(candidate);
}

void Population::attach(Network* net, std::string name, uint32_t rng_stream, double dt, int64_t batch,
                        const at::TensorOptions& options) {
  network_ = net;
  name_ = std::move(name);
  rng_stream_ = rng_stream;
  dt_ = dt;
  batch_ = batch;
  options_ = options;
  for (auto& v : state_) {
    const at::ScalarType t = v.tensor.defined() ? v.tensor.scalar_type() : options.dtype().toScalarType();
    v.tensor = at::zeros({batch, n_}, options.dtype(t));
  }
  spikes_ = at::zeros({batch, n_}, options);
  ring_depth_ = 1;
  ring_ = at::zeros({num_receptors(), ring_depth_, batch, n_}, options);
  reset_dynamic_state();
  reset_learned_state();
  on_attach();
}

void Population::ensure_ring_depth(int64_t depth, int64_t current_step) {
  if (depth <= ring_depth_) return;
  at::Tensor grown = at::zeros({num_receptors(), depth, batch_, n_}, options_);
  // Input due k steps from now sits in slot (step + k) % D; keep it due at the same step.
  for (int64_t k = 0; k < ring_depth_; ++k) {
    grown.select(1, (current_step + k) % depth).copy_(ring_.select(1, (current_step + k) % ring_depth_));
  }
  ring_ = grown;
  ring_depth_ = depth;
}

void Population::reset_state(bool include_learned) {
  reset_dynamic_state();
  if (include_learned) reset_learned_state();
  spikes_.zero_();
  ring_.zero_();
  fired_valid_ = false;
}

}  // namespace snn
