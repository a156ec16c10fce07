// snn/connectivity.cpp — connection rules, and the weights and delays of the synapses they make.
//
// Rules follow NEST's definitions (conn_spec): one_to_one, all_to_all, fixed_indegree,
// fixed_outdegree, pairwise_bernoulli, fixed_total_number, with allow_autapses / allow_multapses.
// Random choices use the counter-based generator (snn/kernels/philox_math.h) on the host, keyed by
// the network seed and the projection's stream, so connectivity is the same on every device.
// Synapse s (in the rule's order) draws its weight and delay with index s: all_to_all and
// pairwise_bernoulli number synapse (i, j) as i * N_post + j; the other rules number them in the
// order they are made (fixed_indegree: target by target; fixed_outdegree: source by source).
#include <ATen/Parallel.h>

#include <cmath>
#include <mutex>
#include <vector>

#include "snn/errors.h"
#include "snn/kernels/delivery_math.h"
#include "snn/kernels/philox_math.h"
#include "snn/population.h"
#include "snn/projection.h"

namespace snn {

namespace {

// Sequential host generator on one stream: uniform integers for the connection rules.
class HostRng {
 public:
  HostRng(uint64_t seed, uint32_t stream) : seed_(seed), stream_(stream) {}
  uint64_t next_u64() {
    const kernels::Philox4 w = kernels::random_words(seed_, stream_, 0, counter_++);
    return (static_cast<uint64_t>(w.v[0]) << 32) | w.v[1];
  }
  // Uniform in [0, n) (multiply-shift; bias below n / 2^64).
  int64_t below(int64_t n) {
    return static_cast<int64_t>((static_cast<unsigned __int128>(next_u64()) * static_cast<uint64_t>(n)) >> 64);
  }

 private:
  uint64_t seed_;
  uint32_t stream_;
  uint64_t counter_ = 0;
};

const char* kind_name(Init::Kind k) {
  switch (k) {
    case Init::Kind::Constant: return "constant";
    case Init::Kind::Uniform: return "uniform";
    case Init::Kind::Normal: return "normal";
    case Init::Kind::LogNormal: return "lognormal";
    case Init::Kind::Tensor: return "tensor";
  }
  return "?";
}

void check_init(const Init& init, const char* what) {
  if (!(init.min <= init.max)) throw_value_error(what, ": clip min must be <= max, got min ", init.min, " and max ", init.max);
  switch (init.kind) {
    case Init::Kind::Constant:
      if (!std::isfinite(init.a)) throw_value_error(what, " must be finite, got ", init.a);
      break;
    case Init::Kind::Uniform:
      if (!(init.a < init.b) || !std::isfinite(init.a) || !std::isfinite(init.b)) {
        throw_value_error(what, ": uniform(low, high) needs finite low < high, got low ", init.a, " and high ", init.b);
      }
      break;
    case Init::Kind::Normal:
    case Init::Kind::LogNormal:
      if (!std::isfinite(init.a) || !(init.b >= 0) || !std::isfinite(init.b)) {
        throw_value_error(what, ": ", kind_name(init.kind), " needs a finite location and a finite scale >= 0, got ",
                          init.a, " and ", init.b);
      }
      break;
    case Init::Kind::Tensor:
      if (!init.tensor.defined()) throw_value_error(what, ": got an undefined tensor");
      if (!at::isFloatingType(init.tensor.scalar_type()) && !at::isIntegralType(init.tensor.scalar_type(), false)) {
        throw_type_error(what, ": expected a real tensor, got ", init.tensor.scalar_type());
      }
      break;
  }
}

// Values of one Init for the synapses of a projection.
class Values {
 public:
  Values(const Init& init, const char* what, int64_t n_pre, int64_t n_post, int64_t n_listed, uint64_t seed,
         uint32_t stream)
      : init_(init), what_(what), n_post_(n_post), seed_(seed), stream_(stream) {
    if (init.kind != Init::Kind::Tensor) return;
    const at::Tensor& t = init.tensor;
    if (t.dim() == 2 && t.size(0) == n_pre && t.size(1) == n_post) {
      by_index_ = false;
    } else if (t.dim() == 1 && n_listed >= 0 && t.size(0) == n_listed) {
      by_index_ = true;
    } else {
      throw_value_error(what, " tensor has shape ", t.sizes(), "; expected [", n_pre, ", ", n_post, "]",
                        n_listed >= 0 ? cat(" or [", n_listed, "] (one value per synapse)") : std::string());
    }
    host_ = t.detach().to(at::kCPU, at::kDouble).contiguous();
    if (!host_.isfinite().all().item<bool>()) throw_value_error(what, " tensor has values that are not finite");
    data_ = host_.data_ptr<double>();
  }

  double operator()(int64_t s, int64_t i, int64_t j) const {
    switch (init_.kind) {
      case Init::Kind::Constant: return init_.a;
      case Init::Kind::Tensor: return by_index_ ? data_[s] : data_[i * n_post_ + j];
      default: break;
    }
    for (uint32_t draw = 0; draw < 1000; ++draw) {
      const kernels::Philox4 w = kernels::random_words(seed_, stream_, 0, static_cast<uint64_t>(s), draw);
      double v;
      if (init_.kind == Init::Kind::Uniform) {
        v = init_.a + (init_.b - init_.a) * kernels::uniform2(w).u0;
      } else if (init_.kind == Init::Kind::Normal) {
        v = init_.a + init_.b * kernels::normal_from(w);
      } else {
        v = std::exp(init_.a + init_.b * kernels::normal_from(w));
      }
      if (v >= init_.min && v <= init_.max) return v;
    }
    throw_value_error(what_, ": no value of the ", kind_name(init_.kind), " distribution fell in the clip range [",
                      init_.min, ", ", init_.max, "] in 1000 draws");
  }

 private:
  Init init_;
  const char* what_;
  int64_t n_post_;
  uint64_t seed_;
  uint32_t stream_;
  bool by_index_ = false;
  at::Tensor host_;
  const double* data_ = nullptr;
};

// Delay in ms -> steps. Constants and tensors must lie on the grid; drawn delays are rounded to the
// nearest step (as NEST rounds delays to the resolution). Either way at least one step.
int64_t delay_steps(double d_ms, double dt, bool drawn, const char* what) {
  const double steps = d_ms / dt;
  const int64_t rounded = std::llround(steps);
  if (!drawn && std::abs(steps - static_cast<double>(rounded)) > 1e-9 * std::max(1.0, std::abs(steps))) {
    throw_value_error(what, " ", d_ms, " ms is not a multiple of dt = ", dt, " ms (it would be rounded to ", rounded * dt,
                      " ms); pass a delay on the grid");
  }
  if (rounded < 1) {
    throw_value_error(what, " must be at least one step (dt = ", dt, " ms), got ", d_ms, " ms",
                      drawn ? " (drawn from the delay distribution: clip it to >= dt)" : "");
  }
  return rounded;
}

struct Dense {
  std::vector<double> weight;
  std::vector<int32_t> count;  // synapses per entry
  std::vector<int32_t> delay;  // steps; 0 where no synapse
};

}  // namespace

std::unique_ptr<Projection> ProjectionBuilder::build(Population& pre, Population& post, const ConnectSpec& spec,
                                                     double dt, uint64_t seed, uint32_t stream) {
  const int64_t n_pre = pre.size(), n_post = post.size();
  const bool same = &pre == &post;
  const std::string& rule = spec.rule;
  check_init(spec.weight, "weight");
  if (!spec.delay.one_step) check_init(spec.delay, "delay");

  // Candidate sources per target (and targets per source) once autapses are excluded.
  const int64_t pre_choices = (same && !spec.autapses) ? n_pre - 1 : n_pre;
  const int64_t post_choices = (same && !spec.autapses) ? n_post - 1 : n_post;

  // ---- which synapses ----
  std::vector<int64_t> src, dst;  // the synapse list, for the listed rules
  bool listed = true;
  HostRng rng(seed, stream);
  auto needs = [&](bool ok, const std::string& msg) {
    if (!ok) throw ValueError("connect(" + pre.name() + " -> " + post.name() + ", '" + rule + "'): " + msg);
  };
  if (rule == "one_to_one") {
    needs(n_pre == n_post, cat("one_to_one needs equal sizes, got ", n_pre, " and ", n_post));
    for (int64_t i = 0; i < n_pre; ++i) {
      if (same && !spec.autapses) continue;
      src.push_back(i);
      dst.push_back(i);
    }
  } else if (rule == "all_to_all" || rule == "pairwise_bernoulli") {
    listed = false;
    if (rule == "pairwise_bernoulli") needs(spec.p >= 0.0 && spec.p <= 1.0, cat("p must be in [0, 1], got ", spec.p));
  } else if (rule == "fixed_indegree" || rule == "fixed_outdegree") {
    const bool in = rule == "fixed_indegree";
    const int64_t K = in ? spec.indegree : spec.outdegree;
    const char* arg = in ? "indegree" : "outdegree";
    const int64_t choices = in ? pre_choices : post_choices;
    const int64_t owners = in ? n_post : n_pre;
    needs(K >= 0, cat(arg, " must be given and >= 0, got ", K));
    needs(spec.multapses || K <= choices,
          cat(arg, " ", K, " exceeds the ", choices, " possible partners without multapses"));
    needs(K == 0 || choices > 0, cat("no possible partners for ", arg, " ", K));
    std::vector<uint8_t> taken(static_cast<size_t>(in ? n_pre : n_post), 0);
    std::vector<int64_t> chosen;
    for (int64_t o = 0; o < owners; ++o) {
      chosen.clear();
      while (static_cast<int64_t>(chosen.size()) < K) {
        const int64_t c = rng.below(in ? n_pre : n_post);
        if (same && !spec.autapses && c == o) continue;
        if (!spec.multapses) {
          if (taken[c]) continue;
          taken[c] = 1;
        }
        chosen.push_back(c);
      }
      for (int64_t c : chosen) {
        if (!spec.multapses) taken[c] = 0;
        src.push_back(in ? c : o);
        dst.push_back(in ? o : c);
      }
    }
  } else if (rule == "fixed_total_number") {
    needs(spec.N >= 0, cat("N must be given and >= 0, got ", spec.N));
    const int64_t possible = n_pre * post_choices;
    needs(spec.multapses || spec.N <= possible, cat("N ", spec.N, " exceeds the ", possible, " possible pairs without multapses"));
    std::vector<uint8_t> taken(static_cast<size_t>(spec.multapses ? 0 : n_pre * n_post), 0);
    while (static_cast<int64_t>(src.size()) < spec.N) {
      const int64_t i = rng.below(n_pre), j = rng.below(n_post);
      if (same && !spec.autapses && i == j) continue;
      if (!spec.multapses) {
        if (taken[i * n_post + j]) continue;
        taken[i * n_post + j] = 1;
      }
      src.push_back(i);
      dst.push_back(j);
    }
  } else {
    throw_value_error("unknown connection rule '", rule,
                      "'; rules: one_to_one, all_to_all, fixed_indegree, fixed_outdegree, pairwise_bernoulli, fixed_total_number");
  }

  // ---- weights and delays ----
  const int64_t n_listed = listed ? static_cast<int64_t>(src.size()) : -1;
  const Values weight(spec.weight, "weight", n_pre, n_post, n_listed, seed, stream + 1);
  const bool default_delay = spec.delay.one_step;
  const bool delay_drawn = !default_delay && spec.delay.kind != Init::Kind::Constant && spec.delay.kind != Init::Kind::Tensor;
  const Values delay(default_delay ? Init::constant(dt) : spec.delay, "delay", n_pre, n_post, n_listed, seed, stream + 2);
  const int64_t cells = n_pre * n_post;
  Dense d;
  d.weight.assign(static_cast<size_t>(cells), 0.0);
  d.count.assign(static_cast<size_t>(cells), 0);
  d.delay.assign(static_cast<size_t>(cells), 0);
  auto place = [&](int64_t s, int64_t i, int64_t j) {
    const int64_t c = i * n_post + j;
    const double w = weight(s, i, j);
    const int64_t dl = delay_steps(delay(s, i, j), dt, delay_drawn, "delay");
    if (dl > std::numeric_limits<int32_t>::max()) throw_value_error("delay of ", dl, " steps is too long");
    if (d.count[c] > 0 && d.delay[c] != dl) {
      throw_value_error("multapses from ", i, " to ", j, " have different delays (", d.delay[c] * dt, " and ", dl * dt,
                        " ms); dense storage keeps one delay per pair: pass multapses=False");
    }
    d.count[c] += 1;
    d.weight[c] += w;
    d.delay[c] = static_cast<int32_t>(dl);
  };
  if (listed) {
    for (size_t s = 0; s < src.size(); ++s) place(static_cast<int64_t>(s), src[s], dst[s]);
  } else {
    const bool bernoulli = rule == "pairwise_bernoulli";
    // Each pair touches only its own cell, so pairs can be placed in parallel.
    std::string error;
    std::mutex error_mutex;
    at::parallel_for(0, cells, 4096, [&](int64_t begin, int64_t end) {
      try {
        for (int64_t s = begin; s < end; ++s) {
          const int64_t i = s / n_post, j = s % n_post;
          if (same && !spec.autapses && i == j) continue;
          if (bernoulli) {
            const double u = kernels::uniform2(kernels::random_words(seed, stream, 1, static_cast<uint64_t>(s))).u0;
            if (!(u < spec.p)) continue;
          }
          place(s, i, j);
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(error_mutex);
        error = e.what();
      }
    });
    if (!error.empty()) throw ValueError(error);
  }

  // ---- assemble ----
  auto p = std::unique_ptr<Projection>(new Projection());
  p->rule_ = rule;
  p->pre_ = &pre;
  p->post_ = &post;
  p->dt_ = dt;
  const auto& opts = post.options();
  // from_blob views the host vectors; copy=true makes sure the result owns its memory even when no
  // conversion is needed.
  auto owned = [&](void* data, at::ScalarType from, at::ScalarType to) {
    return at::from_blob(data, {n_pre, n_post}, at::TensorOptions().dtype(from))
        .to(opts.device(), to, /*non_blocking=*/false, /*copy=*/true)
        .contiguous();
  };
  const at::ScalarType dtype = opts.dtype().toScalarType();
  p->weight_ = owned(d.weight.data(), at::kDouble, dtype);
  p->count_ = owned(d.count.data(), at::kInt, dtype);
  int64_t synapses = 0, dmin = std::numeric_limits<int64_t>::max(), dmax = 1;
  for (int64_t c = 0; c < cells; ++c) {
    if (d.count[c] == 0) continue;
    synapses += d.count[c];
    dmin = std::min<int64_t>(dmin, d.delay[c]);
    dmax = std::max<int64_t>(dmax, d.delay[c]);
  }
  p->num_synapses_ = synapses;
  if (synapses == 0) {
    dmin = dmax = default_delay ? 1 : delay_steps(spec.delay.kind == Init::Kind::Constant ? spec.delay.a : dt, dt, false, "delay");
  }
  p->max_delay_ = dmax;
  if (dmin == dmax) {
    p->uniform_delay_ = dmax;
  } else {
    p->uniform_delay_ = -1;
    p->delay_steps_ = owned(d.delay.data(), at::kInt, at::kInt);
  }
  return p;
}

}  // namespace snn
