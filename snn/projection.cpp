// snn/projection.cpp — delivering spikes of a projection into its target's ring buffer.
#include "snn/projection.h"

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/delivery_math.h"
#include "snn/population.h"

namespace snn {

void Projection::set_weight(const at::Tensor& w) {
  if (!w.defined()) throw_value_error("weight: got an undefined tensor");
  if (w.sizes() != weight_.sizes()) {
    throw_value_error("weight of '", name_, "' has shape ", weight_.sizes(), "; got ", w.sizes());
  }
  if (w.device() != weight_.device()) throw_value_error("weight of '", name_, "' is on ", weight_.device(), "; got ", w.device());
  if (!at::isFloatingType(w.scalar_type())) throw_type_error("weight must be a floating tensor, got ", w.scalar_type());
  if (!w.isfinite().all().item<bool>()) throw_value_error("weight of '", name_, "': values must be finite");
  if (((w != 0) & (count_ == 0)).any().item<bool>()) {
    throw_value_error("weight of '", name_, "': nonzero values where the projection has no synapse");
  }
  weight_.copy_(w);
}

void Projection::set_normalize_target(double target) {
  if (!std::isnan(target) && !(target > 0 && std::isfinite(target))) {
    throw_value_error("normalize must be a finite value > 0 (or None), got ", target);
  }
  normalize_target_ = target;
}

void Projection::normalize(double target) {
  if (!(target > 0 && std::isfinite(target))) throw_value_error("normalize target must be finite and > 0, got ", target);
  const at::Tensor sums = weight_.sum(0, /*keepdim=*/true);
  weight_.mul_(at::where(sums != 0, target / sums, at::ones_like(sums)));
}

at::Tensor Projection::delay() const {
  const auto opts = at::TensorOptions().dtype(at::kDouble).device(weight_.device());
  if (uniform_delay_ > 0) return at::scalar_tensor(static_cast<double>(uniform_delay_) * dt_, opts);
  return delay_steps_.to(at::kDouble) * dt_;
}

void Projection::bind_ring_views() {
  const at::Tensor& ring = post_->ring();
  if (ring_views_of_ == ring.data_ptr() && !ring_views_.empty()) return;
  ring_views_.assign(static_cast<size_t>(ring.size(0)), {});
  for (int64_t r = 0; r < ring.size(0); ++r) {
    for (int64_t s = 0; s < ring.size(1); ++s) ring_views_[r].push_back(ring.select(0, r).select(0, s));
  }
  ring_views_of_ = ring.data_ptr();
}

void Projection::refresh_routing() {
  const bool two = post_->num_receptors() == 2 && !post_->counts_spikes();
  if (!two) {
    routing_ = kernels::kReceptorExcitatory;
    return;
  }
  const int64_t version = static_cast<int64_t>(weight_._version());
  if (version == routing_version_) return;
  const bool any_pos = (weight_ > 0).any().item<bool>();
  const bool any_neg = (weight_ < 0).any().item<bool>();
  routing_ = (any_pos && any_neg) ? kernels::kReceptorBySign
             : any_neg           ? kernels::kReceptorInhibitory
                                 : kernels::kReceptorExcitatory;
  if (routing_ == kernels::kReceptorBySign) {
    w_ex_ = weight_.clamp_min(0);
    w_in_ = weight_.clamp_max(0);
  } else {
    w_ex_ = at::Tensor();
    w_in_ = at::Tensor();
  }
  routing_version_ = version;
}

void Projection::propagate(int64_t step) {
  if (num_synapses_ == 0) return;
  const at::Tensor& spikes = pre_->spikes();
  const at::Tensor& w = post_->counts_spikes() ? count_ : weight_;
  const int64_t D = post_->ring_depth();
  if (uniform_delay_ > 0) {
    refresh_routing();
    const int64_t slot = (step + uniform_delay_) % D;
    switch (routing_) {
      case kernels::kReceptorExcitatory: ring_views_[0][slot].addmm_(spikes, w); break;
      case kernels::kReceptorInhibitory: ring_views_[1][slot].addmm_(spikes, w); break;
      default:
        ring_views_[0][slot].addmm_(spikes, w_ex_);
        ring_views_[1][slot].addmm_(spikes, w_in_);
    }
    return;
  }
  dispatch_floating(weight_.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    kernels::DenseDelayedDelivery<T> f;
    f.spikes = spikes.data_ptr<T>();
    f.weight = w.data_ptr<T>();
    f.delay = delay_steps_.data_ptr<int32_t>();
    f.ring = post_->ring().data_ptr<T>();
    f.n_pre = pre_->size();
    f.n_post = post_->size();
    f.batch = post_->batch_size();
    f.D = D;
    f.step = step;
    f.routing = (post_->num_receptors() == 2 && !post_->counts_spikes()) ? kernels::kReceptorBySign
                                                                          : kernels::kReceptorExcitatory;
    backend::for_each(weight_.device(), f.batch * f.n_post, f);
  });
}

}  // namespace snn
