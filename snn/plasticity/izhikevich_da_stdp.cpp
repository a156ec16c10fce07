// snn/plasticity/izhikevich_da_stdp.cpp — IzhikevichDASTDP: parameters, constants, one step (one delay or
// per-synapse delays).
#include "snn/plasticity/izhikevich_da_stdp.h"

#include <algorithm>
#include <cmath>

#include "snn/kernels/izhikevich_da_stdp_math.h"
#include "snn/plasticity/scheduler.h"
#include "snn/time_grid.h"

namespace snn {
namespace rules {

IzhikevichDaStdp::IzhikevichDaStdp(std::string signal)
    : Plasticity("IzhikevichDASTDP",
                 {
                     {"trace", 0.1, "", Constraint::Finite, "trace value set at a spike"},
                     {"trace_decay", 0.95, "", Constraint::Positive, "trace factor per ms"},
                     {"ltd_factor", 1.5, "", Constraint::NonNegative, "depression: sd -= ltd_factor x post trace"},
                     {"da_decay", 0.995, "", Constraint::Positive, "dopamine factor per ms"},
                     {"baseline", 0.002, "", Constraint::Finite, "added to dopamine when applying"},
                     {"interval", 10.0, "ms", Constraint::Positive, "how often the eligibility is applied"},
                     {"eligibility_decay", 0.99, "", Constraint::NonNegative, "sd factor per application"},
                     {"w_min", 0.0, "", Constraint::NotNaN, "lower weight bound"},
                     {"w_max", 4.0, "", Constraint::NotNaN, "upper weight bound"},
                     {"delay", -1.0, "ms", Constraint::Finite, "axonal delay of pre spikes; < 0: the projection's delay"},
                     kEventDriven,
                 },
                 std::move(signal)),
      sd_(declare_state("sd", StateShape::Synapse)),
      DA_(declare_state("DA", StateShape::Batch)),
      x_pre_(declare_state("x_pre", StateShape::Pre)),
      x_post_(declare_state("x_post", StateShape::Post)) {}


void IzhikevichDaStdp::attach(Projection& proj, double dt, int64_t step) {
  grid_steps(param("interval"), dt, "IzhikevichDASTDP: interval");
  per_synapse_ = param("delay") < 0 && proj.uniform_delay_steps() < 0;
  if (per_synapse_) {
    // Each synapse sees the pre spikes (and the pre trace) of its own delay ago: keep the last
    // max-delay + 1 steps of both, and the spikes of the last max-delay steps summed (the rows
    // that can have an arrival this step).
    const at::Tensor& pre = proj.pre().outgoing_spikes();
    const int64_t slots = proj.max_delay_steps() + 1;
    spike_history_ = at::zeros({slots, pre.size(0), pre.size(1)}, pre.options());
    trace_history_ = at::zeros_like(spike_history_);
    in_flight_ = at::zeros_like(pre);
    build_by_delay(proj);
    lists_ = !pre.is_cuda() && pre.size(0) == 1;
    slot_list_.assign(lists_ ? static_cast<size_t>(slots * pre.size(1)) : 0, 0);
    slot_count_.assign(lists_ ? static_cast<size_t>(slots) : 0, 0);
  } else {
    arrivals_.init(delay_steps(proj, dt), proj.pre().outgoing_spikes());
  }
  Plasticity::attach(proj, dt, step);
}

void IzhikevichDaStdp::reset_state() {
  Plasticity::reset_state();
  arrivals_.reset();
  for (at::Tensor* t : {&spike_history_, &trace_history_, &in_flight_}) {
    if (t->defined()) t->zero_();
  }
  std::fill(slot_count_.begin(), slot_count_.end(), 0);
}

const IzhikevichDaStdp::Constants& IzhikevichDaStdp::constants(double dt) {
  return constants_.get(params(), dt, true, [&](Constants& c) {
    c.every = grid_steps(param("interval"), dt, "IzhikevichDASTDP: interval");
    c.decay = std::pow(param("trace_decay"), dt);
    c.da_decay = std::pow(param("da_decay"), dt);
    c.trace = param("trace");
    c.ltd_factor = param("ltd_factor");
    c.baseline = param("baseline");
    c.eligibility_decay = param("eligibility_decay");
    c.w_min = param("w_min");
    c.w_max = param("w_max");
    c.visit = visit();
  });
}

void IzhikevichDaStdp::step(Projection& proj, const StepInfo& info) {
  at::Tensor& w = RuleAccess::weights(proj);
  const at::Tensor& post = proj.post().spikes();
  const Constants& C = constants(info.dt);
  const int64_t every = C.every;
  at::Tensor& x_pre = state(x_pre_);
  at::Tensor& x_post = state(x_post_);
  at::Tensor& da = state(DA_);
  dispatch_floating(w.scalar_type(), [&](auto tag) {
    using T = decltype(tag);
    // daspnet.m's pairing, for a pre spike arriving (current integrated) at step a and a post spike
    // at step m: LTP at m >= a adds trace 0.95^(m - a) (a pre spike arriving in the post's own step
    // counts in full), LTD at a > m subtracts 1.5 trace 0.95^(a - 1 - m) (the post trace as it was
    // at the end of the previous step). So x_pre takes this step's decay and arrivals before the
    // pairing, x_post only after it.
    const double decay = C.decay;
    kernels::IzhikevichEligibilityRule<T> e{};
    if (per_synapse_) {
      // x_pre is the trace of the pre spikes as emitted; synapse s reads it, and the spikes, from
      // the history slot of step - delay[s] (the same values the one-delay path sees at arrival).
      const int64_t slots = spike_history_.size(0), stride = x_pre.numel();
      const int64_t now = info.step % slots, before = (info.step + slots - 1) % slots;
      kernels::IzhikevichHistoryStep<T> h{proj.pre().outgoing_spikes().data_ptr<T>(), spike_history_.data_ptr<T>() + before * stride,
                                          spike_history_.data_ptr<T>() + now * stride,
                                          trace_history_.data_ptr<T>() + now * stride, x_pre.data_ptr<T>(),
                                          in_flight_.data_ptr<T>(), static_cast<T>(decay),
                                          static_cast<T>(C.trace), stride, 1};
      backend::for_each_block(w.device(), h, 1024);
      e.arrivals = spike_history_.data_ptr<T>();
      e.x_pre = trace_history_.data_ptr<T>();
      e.delay = RuleAccess::delay_steps(proj).data_ptr<int32_t>();
      e.slots = slots;
      e.step_slot = now;
      e.history_stride = stride;
      if (lists_) {
        // This step's spikes become the list of the slot they were written to.
        const SpikeSet& fired = proj.pre().outgoing_fired();
        const kernels::ActiveSet f = fired.view();
        slot_count_[static_cast<size_t>(now)] = static_cast<int32_t>(fired.bound());
        std::copy(f.list, f.list + fired.bound(), slot_list_.begin() + now * stride);
      }
      if (!(lists_ && C.visit == Visit::Events)) arrival_set_.build(in_flight_);
    } else {
      const at::Tensor& arriving = arrivals_.push(proj.pre().outgoing_spikes(), info.step);
      trace_update<T>(x_pre, &arriving, decay, C.trace, true);  // decay, then set at arrivals
      e.arrivals = arriving.data_ptr<T>();
      e.x_pre = x_pre.data_ptr<T>();
      arrival_set_.build(arriving);
    }
    trace_update<T>(da, info.signal, C.da_decay, 1.0, false);
    const int64_t n_syn = proj.sparse() ? proj.num_synapses() : proj.pre().global_size() * proj.post().size();
    e.sd = state(sd_).data_ptr<T>();
    e.post_spikes = post.data_ptr<T>();
    e.x_post = x_post.data_ptr<T>();
    e.ltd_factor = static_cast<T>(C.ltd_factor);
    set_rule_shape(e, proj);
    e.n_syn = n_syn;
    if (per_synapse_ && e.batch == 1 && C.visit == Visit::Events) {
      // Only the synapses with an arrival this step (by-delay index) and those onto post neurons
      // that spiked; LTP first, then LTD, as update() orders them.
      const SpikeSet& posts = proj.post().fired();
      const kernels::SynapseLayout<T> L = proj.layout<T>(true);
      kernels::IzhikevichDelayedLtp<T> ltp{e, L, posts.view()};
      backend::for_each(w.device(), posts.bound(), ltp, grain_for(col_length(L)));
      const int64_t max_delay = spike_history_.size(0) - 1;
      kernels::IzhikevichDelayedLtd<T> ltd{e, by_delay_ptr_.data_ptr<int64_t>(), by_delay_syn_.data_ptr<int32_t>(),
                                           by_delay_post_.data_ptr<int32_t>(), {}, max_delay};
      if (lists_) {  // (Visit::Events, one batch entry, CPU)
        // Element: a delay, visiting the spikes of that many steps ago and their synapses of that delay.
        int64_t arriving = 0;
        for (int32_t c : slot_count_) arriving += c;
        const int64_t work = arriving * std::max<int64_t>(1, row_length(L) / max_delay);
        backend::for_each_cpu(max_delay, kernels::IzhikevichDelayedLtdLists<T>{ltd, slot_list_.data(), slot_count_.data()},
                              work < backend::kCpuGrain ? max_delay : 1);
      } else {
        // An in-flight neuron looks at max-delay history slots and its synapses with a matching delay.
        ltd.in_flight = arrival_set_.view();
        backend::for_each(w.device(), arrival_set_.bound(), ltd, grain_for(max_delay + row_length(L)));
      }
    } else {
      apply_rule(proj, e, C.visit, &arrival_set_, &proj.post().fired());
    }
    if ((info.step + 1) % every == 0) {
      // Every synapse, as one elementwise pass over the synapse arrays (vectorised).
      kernels::IzhikevichApply<T> a{w.data_ptr<T>(), e.sd, da.data_ptr<T>(),
                                    proj.sparse() ? nullptr : proj.layout<T>().count,
                                    static_cast<T>(C.baseline), static_cast<T>(C.eligibility_decay),
                                    static_cast<T>(C.w_min), static_cast<T>(C.w_max), e.batch, n_syn};
      const int64_t blocks = (n_syn + kernels::kApplyBlock - 1) / kernels::kApplyBlock;
      backend::for_each(w.device(), blocks, a, std::max<int64_t>(1, backend::kCpuGrain / kernels::kApplyBlock));
    }
    trace_update<T>(x_post, &post, decay, C.trace, true);  // decay, then set at post spikes
  });
}

void IzhikevichDaStdp::build_by_delay(const Projection& proj) {
  const int64_t D = proj.max_delay_steps(), n_pre = proj.pre().global_size(), n_post = proj.post().size();
  const at::Tensor delay = RuleAccess::delay_steps(proj).cpu().contiguous();
  const int32_t* d = delay.data_ptr<int32_t>();
  std::vector<int64_t> ptr(static_cast<size_t>(n_pre * D + 1), 0);
  auto each = [&](auto&& fn) {  // fn(pre, synapse, target) over every synapse
    if (proj.sparse()) {
      const at::Tensor rp = RuleAccess::row_ptr(proj).cpu(), pj = RuleAccess::post_index(proj).cpu();
      const int64_t* r = rp.data_ptr<int64_t>();
      const int32_t* p = pj.data_ptr<int32_t>();
      for (int64_t i = 0; i < n_pre; ++i)
        for (int64_t s = r[i]; s < r[i + 1]; ++s) fn(i, s, p[s]);
    } else {
      const at::Tensor c = RuleAccess::counts(proj).cpu().to(at::kDouble).contiguous();
      const double* cp = c.data_ptr<double>();
      for (int64_t i = 0; i < n_pre; ++i)
        for (int64_t j = 0; j < n_post; ++j)
          if (cp[i * n_post + j] != 0.0) fn(i, i * n_post + j, j);
    }
  };
  each([&](int64_t i, int64_t s, int64_t) { ++ptr[static_cast<size_t>(i * D + d[s])]; });  // d >= 1
  for (size_t k = 1; k < ptr.size(); ++k) ptr[k] += ptr[k - 1];
  std::vector<int64_t> cursor(ptr.begin(), ptr.end() - 1);
  std::vector<int32_t> syn(static_cast<size_t>(ptr.back())), post(syn.size());
  each([&](int64_t i, int64_t s, int64_t j) {
    const int64_t k = cursor[static_cast<size_t>(i * D + d[s] - 1)]++;
    syn[static_cast<size_t>(k)] = static_cast<int32_t>(s);
    post[static_cast<size_t>(k)] = static_cast<int32_t>(j);
  });
  const c10::Device device = RuleAccess::delay_steps(proj).device();
  by_delay_ptr_ = at::tensor(ptr, at::kLong).to(device);
  by_delay_syn_ = at::tensor(syn, at::kInt).to(device);
  by_delay_post_ = at::tensor(post, at::kInt).to(device);
}

}  // namespace rules
}  // namespace snn
