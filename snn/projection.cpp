// snn/projection.cpp — delivering spikes of a projection into its target's ring buffer, and the
// projection's accessors.
#include "snn/projection.h"

#include <ATen/Parallel.h>

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/delivery_math.h"
#include "snn/population.h"

namespace snn {

// ---- accessors ----------------------------------------------------------------------------------

const at::Tensor& Projection::weight() {
  if (plasticity_) plasticity_->synchronize(*this);
  return weight_;
}

void Projection::set_weight(const at::Tensor& w) {
  if (!w.defined()) throw_value_error("weight: got an undefined tensor");
  if (w.sizes() != weight_.sizes()) throw_value_error("weight of '", name_, "' has shape ", weight_.sizes(), "; got ", w.sizes());
  if (w.device() != weight_.device()) throw_value_error("weight of '", name_, "' is on ", weight_.device(), "; got ", w.device());
  if (!at::isFloatingType(w.scalar_type())) throw_type_error("weight must be a floating tensor, got ", w.scalar_type());
  if (!w.isfinite().all().item<bool>()) throw_value_error("weight of '", name_, "': values must be finite");
  if (!sparse() && ((w != 0) & (count_ == 0)).any().item<bool>()) {
    throw_value_error("weight of '", name_, "': nonzero values where the projection has no synapse");
  }
  if (plasticity_) plasticity_->synchronize(*this);
  weight_.copy_(w);
}

std::pair<at::Tensor, at::Tensor> Projection::indices() const {
  if (!sparse()) {
    const at::Tensor nz = at::nonzero(count_);
    return {nz.select(1, 0).contiguous(), nz.select(1, 1).contiguous()};
  }
  const at::Tensor counts = (row_ptr_.narrow(0, 1, pre_->global_size()) - row_ptr_.narrow(0, 0, pre_->global_size()));
  const at::Tensor pre = at::repeat_interleave(at::arange(pre_->global_size(), row_ptr_.options()), counts);
  return {pre, post_index_.to(at::kLong)};
}

std::pair<at::Tensor, at::Tensor> Projection::global_indices() const {
  auto [pre, post] = indices();
  return {pre, post_->first() ? post + post_->first() : post};
}

at::Tensor Projection::synapse_count() const {
  if (!sparse()) return count_;
  const auto [pre, post] = indices();
  at::Tensor out = at::zeros({pre_->global_size(), post_->size()}, weight_.options());
  out.index_put_({pre, post}, at::ones({num_synapses_}, weight_.options()), /*accumulate=*/true);
  return out;
}

at::Tensor Projection::dense_weight() {
  const at::Tensor& w = weight();
  if (!sparse()) return w;
  const auto [pre, post] = indices();
  at::Tensor out = at::zeros({pre_->global_size(), post_->size()}, w.options());
  out.index_put_({pre, post}, w, /*accumulate=*/true);
  return out;
}

at::Tensor Projection::delay() const {
  const auto opts = at::TensorOptions().dtype(at::kDouble).device(weight_.device());
  if (uniform_delay_ > 0) return at::scalar_tensor(static_cast<double>(uniform_delay_) * dt_, opts);
  return delay_steps_.to(at::kDouble) * dt_;
}

int64_t Projection::synapse_bytes() const {
  int64_t bytes = 0;
  for (const at::Tensor* t : {&weight_, &count_, &row_ptr_, &post_index_, &col_ptr_, &col_syn_, &col_pre_, &delay_steps_}) {
    if (t->defined()) bytes += t->numel() * static_cast<int64_t>(t->element_size());
  }
  return bytes;
}

void Projection::set_normalize_target(const std::optional<double>& target) {
  if (target && !(*target > 0 && std::isfinite(*target))) {
    throw_value_error("normalize must be a finite value > 0 (or None), got ", *target);
  }
  normalize_target_ = target;
}

namespace {

// w.sum(0, keepdim=true) of a dense CPU weight [n_pre, n_post], on the calling thread. On a large
// weight ATen runs this reduction as an OpenMP fork-join, which waits at its barrier for a thread the
// scheduler parked (Diehl & Cook normalises before every run(): two threads were 6x slower than one
// beside a compile). ATen cuts such a reduction across threads at column blocks of 128 bytes, each
// summed serially, so column blocks of that width below its parallel grain give the same bits
// (tests/python/test_plasticity.py checks them against torch's sum on 1 and 2 threads).
at::Tensor column_sums(const at::Tensor& w) {
  constexpr int64_t kAtenGrain = 32768;  // at::internal::GRAIN_SIZE: elements below which ATen stays serial
  const int64_t rows = w.size(0), cols = w.size(1);
  const int64_t block = 128 / static_cast<int64_t>(w.element_size());
  if (rows * block >= kAtenGrain || at::get_num_threads() == 1) return w.sum(0, /*keepdim=*/true);
  const int64_t width = block * std::max<int64_t>(1, (kAtenGrain - 1) / (rows * block));
  at::Tensor sums = at::empty({1, cols}, w.options());
  for (int64_t j = 0; j < cols; j += width) {
    const int64_t n = std::min(width, cols - j);
    at::Tensor part = sums.narrow(1, j, n);
    at::sum_out(part, w.narrow(1, j, n), {0}, /*keepdim=*/true);
  }
  return sums;
}

// w.sum(0, keepdim=true) of a dense weight [n_pre, n_post], each column summed row by row: the same bits
// for a column whatever the number of columns (a distributed network's block of targets), which ATen's
// sum does not promise (its float sums are blocked by shape).
at::Tensor column_sums_in_row_order(const at::Tensor& weight) {
  const at::Tensor w = weight.cpu().contiguous();
  at::Tensor sums = at::zeros({1, w.size(1)}, w.options());
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const T* wp = w.data_ptr<T>();
    T* sp = sums.data_ptr<T>();
    const int64_t rows = w.size(0), cols = w.size(1);
    for (int64_t i = 0; i < rows; ++i) {
      for (int64_t j = 0; j < cols; ++j) sp[j] += wp[i * cols + j];
    }
  });
  return sums.to(weight.device());
}

// w *= scale, one rounding per element as ATen's mul_, on snn's threads: a dense weight [n_pre, n_post]
// by columns (scale [1, n_post]), a synapse list by target (post_index).
template <class T>
void scale_by_target(at::Tensor& w, const at::Tensor& scale, const int32_t* post_index) {
  T* wp = w.data_ptr<T>();
  const T* sp = scale.data_ptr<T>();
  if (post_index) {
    backend::for_each_cpu(w.numel(), [wp, sp, post_index](int64_t s) { wp[s] *= sp[post_index[s]]; });
    return;
  }
  const int64_t cols = scale.numel();
  backend::for_each_cpu(w.numel() / std::max<int64_t>(1, cols), [wp, sp, cols](int64_t i) {
    for (int64_t j = 0; j < cols; ++j) wp[i * cols + j] *= sp[j];
  }, std::max<int64_t>(1, backend::kCpuGrain / std::max<int64_t>(1, cols)));
}

}  // namespace

void Projection::normalize(double target) {
  if (!(target > 0 && std::isfinite(target))) throw_value_error("normalize target must be finite and > 0, got ", target);
  if (plasticity_) plasticity_->synchronize(*this);
  const bool cpu = weight_.device().is_cpu();
  at::Tensor sums;
  if (!sparse() && post_->partitioned()) {
    sums = column_sums_in_row_order(weight_);
  } else if (!sparse()) {
    sums = cpu && weight_.is_contiguous() ? column_sums(weight_) : weight_.sum(0, /*keepdim=*/true);
  } else {
    sums = at::zeros({post_->size()}, weight_.options()).index_add_(0, post_index_.to(at::kLong), weight_);
  }
  const at::Tensor scale = at::where(sums != 0, target / sums, at::ones_like(sums)).contiguous();
  if (!cpu || !weight_.is_contiguous()) {
    weight_.mul_(sparse() ? scale.index_select(0, post_index_.to(at::kLong)) : scale);
    return;
  }
  dispatch_floating(weight_.scalar_type(), [&](auto zero) {
    using T = decltype(zero);
    scale_by_target<T>(weight_, scale, sparse() ? post_index_.data_ptr<int32_t>() : nullptr);
  });
}

void Projection::build_transposed() {
  if (!sparse() || col_ptr_.defined()) return;
  // Counting sort by target; within a target, sources stay ascending.
  const at::Tensor row_ptr = row_ptr_.cpu(), post = post_index_.cpu();
  const int64_t* rp = row_ptr.data_ptr<int64_t>();
  const int32_t* pj = post.data_ptr<int32_t>();
  const int64_t n_pre = pre_->global_size(), n_post = post_->size(), S = num_synapses_;
  std::vector<int64_t> col_ptr(static_cast<size_t>(n_post + 1), 0);
  for (int64_t s = 0; s < S; ++s) ++col_ptr[pj[s] + 1];
  for (int64_t j = 0; j < n_post; ++j) col_ptr[j + 1] += col_ptr[j];
  std::vector<int64_t> cursor(col_ptr.begin(), col_ptr.end() - 1);
  std::vector<int32_t> col_syn(static_cast<size_t>(S)), col_pre(static_cast<size_t>(S));
  for (int64_t i = 0; i < n_pre; ++i) {
    for (int64_t s = rp[i]; s < rp[i + 1]; ++s) {
      const int64_t k = cursor[pj[s]]++;
      col_syn[k] = static_cast<int32_t>(s);
      col_pre[k] = static_cast<int32_t>(i);
    }
  }
  const auto dev = at::TensorOptions().device(weight_.device());
  col_ptr_ = at::tensor(col_ptr, at::kLong).to(weight_.device());
  col_syn_ = at::from_blob(col_syn.data(), {S}, at::kInt).to(dev.dtype(at::kInt), false, true);
  col_pre_ = at::from_blob(col_pre.data(), {S}, at::kInt).to(dev.dtype(at::kInt), false, true);
}

template <typename T>
kernels::SynapseLayout<T> Projection::layout(bool transposed) {
  if (transposed) build_transposed();
  kernels::SynapseLayout<T> L;
  L.n_pre = pre_->global_size();
  L.n_post = post_->size();
  L.batch = post_->batch_size();
  if (!sparse()) {
    L.n_syn = L.n_pre * L.n_post;
    L.count = count_.data_ptr<T>();
    return L;
  }
  L.n_syn = num_synapses_;
  L.row_ptr = row_ptr_.data_ptr<int64_t>();
  L.post = post_index_.data_ptr<int32_t>();
  if (col_ptr_.defined()) {
    L.col_ptr = col_ptr_.data_ptr<int64_t>();
    L.col_syn = col_syn_.data_ptr<int32_t>();
    L.col_pre = col_pre_.data_ptr<int32_t>();
  }
  return L;
}
template kernels::SynapseLayout<float> Projection::layout<float>(bool);
template kernels::SynapseLayout<double> Projection::layout<double>(bool);

// ---- delivery -----------------------------------------------------------------------------------

void Projection::bind_ring_views() {
  const at::Tensor& ring = post_->ring();
  if (ring_views_of_ == ring.data_ptr() && !ring_views_.empty()) return;
  ring_views_.assign(static_cast<size_t>(ring.size(0)), {});
  for (int64_t r = 0; r < ring.size(0); ++r) {
    for (int64_t s = 0; s < ring.size(1); ++s) ring_views_[r].push_back(ring.select(0, r).select(0, s));
  }
  ring_views_of_ = ring.data_ptr();
}

void Projection::begin_run() {
  // The transposed index, which a rule visiting the synapses of the neurons that spiked needs from its
  // first step on: built here, not in a step.
  if (sparse() && plasticity_ && learning_ && plasticity_->visit() == Visit::Events) build_transposed();
  routing_ = 0;
  split_stale_ = true;
  const bool matrix_possible = !sparse() && uniform_delay_ > 0 && !pre_->partitioned();
  if (!matrix_possible || post_->num_receptors() != 2 || post_->counts_spikes()) return;
  const int64_t version = static_cast<int64_t>(weight_._version());
  if (version != signs_version_) {
    const at::Tensor signs = at::stack({(weight_ > 0).any(), (weight_ < 0).any()}).cpu();  // one read
    const bool any_pos = signs.data_ptr<bool>()[0], any_neg = signs.data_ptr<bool>()[1];
    signs_ = (any_pos && any_neg) ? 2 : any_neg ? 1 : 0;
    signs_version_ = version;
  }
  routing_ = signs_;
  if (plasticity_ && learning_) {
    const auto [lo, hi] = plasticity_->weight_range();
    if ((routing_ == 0 && lo < 0) || (routing_ == 1 && hi > 0)) routing_ = 2;  // the rule may cross 0
  }
}

void Projection::propagate_matrix(int64_t step, const at::Tensor& spikes) {
  if (routing_ == 2 && split_stale_) {  // on the device, into the same buffers (no read, no allocation)
    if (!w_ex_.defined() || !w_ex_.sizes().equals(weight_.sizes())) {
      w_ex_ = at::empty_like(weight_);
      w_in_ = at::empty_like(weight_);
    }
    at::clamp_min_out(w_ex_, weight_, 0);
    at::clamp_max_out(w_in_, weight_, 0);
    split_stale_ = false;
  }
  const at::Tensor& w = post_->counts_spikes() ? count_ : weight_;
  const int64_t slot = (step + uniform_delay_) % post_->ring_depth();
  switch (routing_) {
    case 0: ring_views_[0][slot].addmm_(spikes, w); break;
    case 1: ring_views_[1][slot].addmm_(spikes, w); break;
    default:
      ring_views_[0][slot].addmm_(spikes, w_ex_);
      ring_views_[1][slot].addmm_(spikes, w_in_);
  }
}

// Targets per CPU delivery element: the whole population when the work runs inline, else one share
// per thread (every share costs a binary search per active row in sparse storage).
static int64_t cpu_chunk(int64_t n_post, bool inline_work) {
  const int64_t threads = inline_work ? 1 : std::max(1, at::get_num_threads());
  return std::max<int64_t>(1, (n_post + threads - 1) / threads);
}

void Projection::propagate(int64_t step) {
  last_delivery_ = "none";
  if (num_synapses_ == 0) return;
  const SpikeSet& fired = pre_->outgoing_fired();
  const bool cuda = weight_.is_cuda();
  if (!cuda && fired.bound() == 0) return;  // nobody spiked
  const int64_t B = post_->batch_size(), n_pre = pre_->global_size(), n_post = post_->size();
  const bool by_sign = post_->num_receptors() == 2 && !post_->counts_spikes();
  // What each spike carries: its count, or with short-term plasticity its count times x u.
  const at::Tensor& spike_values = short_term_ ? short_term_->transmit(*pre_, step) : pre_->outgoing_spikes();

  // (Distributed networks deliver events only: a BLAS product's sums depend on the matrix's shape.)
  if (!sparse() && uniform_delay_ > 0 && !pre_->partitioned()) {
    // Density of the [B, n_pre] spike matrix: the product's cost is B n_pre n_post, events' spikes x n_post.
    const double density = static_cast<double>(fired.events()) / (static_cast<double>(B) * static_cast<double>(n_pre));
    if (cuda ? B >= kGemmBatchCuda : density >= kGemmActivity) {
      last_delivery_ = "matrix";
      propagate_matrix(step, spike_values);
      return;
    }
  }
  last_delivery_ = "events";
  // Little work (few spikes x fan-out) runs on the calling thread: waking the pool costs microseconds.
  const int64_t fan_out = sparse() ? std::max<int64_t>(1, num_synapses_ / n_pre) : n_post;
  const int64_t grain = delay_steps_.defined() ? backend::kCpuGrainScattered : backend::kCpuGrain;
  const bool inline_work = !cuda && fired.events() * fan_out < grain;
  const at::Tensor& ring = post_->ring();
  const kernels::ActiveSet act = fired.view();
  dispatch_floating(weight_.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    const kernels::RingTarget<T> target{ring.data_ptr<T>(), ring.size(0), ring.size(1), B, n_post, step % ring.size(1)};
    const T* spikes = spike_values.data_ptr<T>();
    const int32_t* delay = delay_steps_.defined() ? delay_steps_.data_ptr<int32_t>() : nullptr;
    if (!sparse()) {
      // CPU: one chunk of targets per thread (one when the work is small), each walking the sorted
      // active list; CUDA: one target per thread.
      const int64_t chunk = cuda ? 1 : cpu_chunk(n_post, inline_work);
      const bool by_delay_row = !cuda && delay && target.offsets_fit_int32();
      if (by_delay_row) {
        // At least 32 entries (the AVX-512 path keeps them in two registers when every delay is < 32).
        delay_row_.assign(static_cast<size_t>(std::max<int64_t>(32, max_delay_ + 1)), 0);
        target.row_offsets(delay_row_.data(), max_delay_);
      }
      kernels::DenseEventDelivery<T> f{spikes,
                                       (post_->counts_spikes() ? count_ : weight_).data_ptr<T>(),
                                       delay,
                                       uniform_delay_,
                                       by_delay_row ? delay_row_.data() : nullptr,
                                       cuda ? nullptr : act.list,
                                       cuda ? nullptr : act.count,
                                       target,
                                       n_pre,
                                       n_post,
                                       step,
                                       chunk,
                                       by_sign};
      f.by_entry = act.by_entry;  // null on CUDA
      f.entry_end = act.entry_end;
      f.delay_row_in_registers = by_delay_row && max_delay_ < 32;
      if (!cuda && !inline_work && act.entry_end && B >= 4 * at::get_num_threads()) {
        // Large CPU batches: whole entries, in pieces of equal spike counts (entries differ).
        f.chunk = n_post;
        backend::for_each_cpu_balanced(B, act.entry_end, f, std::max<int64_t>(1, grain / fan_out));
        return;
      }
      const int64_t n = B * ((n_post + chunk - 1) / chunk);
      backend::for_each(weight_.device(), n, f, inline_work ? n : 1);
      return;
    }
    const T* w = post_->counts_spikes() ? nullptr : weight_.data_ptr<T>();
    const int64_t* row_ptr = row_ptr_.data_ptr<int64_t>();
    const int32_t* post = post_index_.data_ptr<int32_t>();
    if (cuda) {
      kernels::SparseAtomicDelivery<T> f{spikes, w, row_ptr, post, delay, uniform_delay_, act.list, act.count,
                                         target, n_pre, step, by_sign};
      backend::for_each(weight_.device(), B * n_pre, f);
      return;
    }
    const int64_t chunk = cpu_chunk(n_post, inline_work);
    kernels::SparseChunkDelivery<T> f{spikes, w, row_ptr, post, delay, uniform_delay_, act.list, act.count,
                                      target, n_pre, n_post, step, chunk, by_sign};
    f.by_entry = act.by_entry;
    f.entry_end = act.entry_end;
    const int64_t n = B * ((n_post + chunk - 1) / chunk);
    backend::for_each_cpu(n, f, inline_work ? n : 1);
  });
}

void Projection::visit(StateVisitor& v) {
  if (sparse()) {
    v.structure("row_ptr", row_ptr_);
    v.structure("post_index", post_index_);
  } else {
    v.structure("count", count_);
  }
  if (delay_steps_.defined()) v.structure("delay_steps", delay_steps_);
  v.tensor("weight", weight_);
  v.flag("learning", learning_);
  double target = normalize_target_ ? *normalize_target_ : std::numeric_limits<double>::quiet_NaN();
  v.real("normalize_target", target);
  if (plasticity_) {
    StateVisitor::Scope scope(v, "plasticity");
    plasticity_->visit(v);
  }
  if (short_term_) {
    StateVisitor::Scope scope(v, "short_term");
    short_term_->visit(v);
  }
  if (v.applying()) {
    normalize_target_ = std::isnan(target) ? std::nullopt : std::optional<double>(target);
    weights_changed();
  }
}

}  // namespace snn
