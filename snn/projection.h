// snn/projection.h — connections from one population to another, and how they are specified.
//
// Storage (dense): weight [N_pre, N_post] in the network's dtype; entries without a synapse are 0.
// synapse_count() [N_pre, N_post] holds how many synapses each entry stands for (0 or 1, more with
// multapses, whose weights are summed: for delivery a sum of synapses is the same). Delays are whole
// steps >= 1: one delay for the projection, or one per entry ([N_pre, N_post] int32).
//
// Delivery: a spike count c of pre neuron i emitted in step s adds c x w_ij to the target's input
// ring buffer, due in step s + d_ij. One-delay projections do this for all i at once with a matrix
// product (ATen: BLAS on the CPU, cuBLAS on a GPU) into ring slot (s + d) % D; projections with
// per-synapse delays use the DenseDelayedDelivery kernel (snn/kernels/delivery_math.h).
// Receptors: targets with separate excitatory and inhibitory inputs (LIFExp) take w > 0 on the
// excitatory and w < 0 on the inhibitory receptor, decided per synapse as in NEST.
// Parrot targets ignore weights and receive spike counts (NEST's parrot_neuron).
#pragma once

#include <ATen/ATen.h>

#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "snn/plasticity.h"

namespace snn {

class Population;
class Network;

// A value for every synapse: a constant, a tensor, or a distribution drawn from the network's seeded
// generator (counter-based: the value of synapse s does not depend on threads or device).
// Distributions may be truncated to [min, max]: values outside are redrawn (NEST's *_clipped).
struct Init {
  enum class Kind { Constant, Uniform, Normal, LogNormal, Tensor };
  Kind kind = Kind::Constant;
  double a = 1.0;  // Constant: the value; Uniform: low; Normal: mean; LogNormal: mu of log
  double b = 0.0;  // Uniform: high; Normal: standard deviation; LogNormal: sigma of log
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  at::Tensor tensor;       // Tensor: [N_pre, N_post], or [number of synapses] in the rule's order
  bool one_step = false;   // the default delay: one step (dt), whatever dt is

  static Init make(Kind kind, double a, double b) {
    Init i;
    i.kind = kind;
    i.a = a;
    i.b = b;
    return i;
  }
  static Init constant(double v) { return make(Kind::Constant, v, 0.0); }
  static Init uniform(double low, double high) { return make(Kind::Uniform, low, high); }
  static Init normal(double mean, double std) { return make(Kind::Normal, mean, std); }
  static Init lognormal(double mu, double sigma) { return make(Kind::LogNormal, mu, sigma); }
  static Init from(const at::Tensor& t) {
    Init i;
    i.kind = Kind::Tensor;
    i.tensor = t;
    return i;
  }
  static Init default_delay() {
    Init i;
    i.one_step = true;
    return i;
  }
  Init& clip(double lo, double hi) {
    min = lo;
    max = hi;
    return *this;
  }
};

// A connection rule and its arguments (NEST's names). Rules:
//   one_to_one (N_pre == N_post), all_to_all, fixed_indegree (indegree), fixed_outdegree (outdegree),
//   pairwise_bernoulli (p), fixed_total_number (N).
// autapses: allow i -> i when pre and post are the same population (NEST default: true).
// multapses: allow several synapses between one pair in the fixed_* rules (NEST default: true).
struct ConnectSpec {
  std::string rule = "all_to_all";
  int64_t indegree = -1;
  int64_t outdegree = -1;
  int64_t N = -1;
  double p = -1.0;
  bool autapses = true;
  bool multapses = true;
  Init weight = Init::constant(1.0);
  Init delay = Init::default_delay();  // [ms]
  std::string name;               // default: "<pre>-><post>"
  PlasticitySpec plasticity;      // rule "" : static weights
  // Scale each target's incoming weights to sum to this value at the start of every run
  // (Diehl & Cook's normalisation); NaN: never.
  double normalize = std::numeric_limits<double>::quiet_NaN();
};

class Projection {
 public:
  const std::string& name() const { return name_; }
  const std::string& rule() const { return rule_; }
  Population& pre() const { return *pre_; }
  Population& post() const { return *post_; }

  // The weights [N_pre, N_post] (shared: changes are seen by the next step).
  const at::Tensor& weight() const { return weight_; }
  // Checks shape, dtype and device; copies in place. Entries without a synapse must stay 0.
  void set_weight(const at::Tensor& w);
  const at::Tensor& synapse_count() const { return count_; }
  int64_t num_synapses() const { return num_synapses_; }
  // Delays [ms]: a 0-dim tensor for a one-delay projection, else [N_pre, N_post] (0 where no synapse).
  at::Tensor delay() const;
  // The delay in steps when the projection has one delay, else -1.
  int64_t uniform_delay_steps() const { return uniform_delay_; }
  int64_t max_delay_steps() const { return max_delay_; }

  // The learning rule, or null for static weights.
  Plasticity* plasticity() const { return plasticity_.get(); }
  // Learning on/off for this projection (Network::set_learning switches all of them).
  bool learning() const { return learning_; }
  void set_learning(bool on) { learning_ = on; }
  // Scales each target neuron's incoming weights so that they sum to `target` (targets whose weights
  // sum to 0 are left alone). normalize_target() is applied at the start of every run.
  void normalize(double target);
  double normalize_target() const { return normalize_target_; }
  void set_normalize_target(double target);

 private:
  friend class Network;
  friend struct ProjectionBuilder;
  friend struct RuleAccess;
  Projection() = default;
  // Called after weights were written through raw pointers (learning rules).
  void weights_changed() { routing_version_ = -1; }
  void bind_ring_views();  // caches [receptor][slot] views of the target ring before a run
  void propagate(int64_t step);

  std::string name_, rule_;
  Population* pre_ = nullptr;
  Population* post_ = nullptr;
  double dt_ = 0.0;
  at::Tensor weight_;       // [N_pre, N_post]
  at::Tensor count_;        // [N_pre, N_post], synapses per entry
  at::Tensor delay_steps_;  // int32 [N_pre, N_post] when delays differ, else undefined
  int64_t uniform_delay_ = 1;
  int64_t max_delay_ = 1;
  int64_t num_synapses_ = 0;
  // Targets with two receptors, one delay: which receptors the weights feed (refreshed when the
  // weight tensor's version changes) and, when both, the positive and negative parts of the weights.
  void refresh_routing();
  int32_t routing_ = 0;  // kernels::ReceptorRouting
  at::Tensor w_ex_, w_in_;
  int64_t routing_version_ = -1;
  std::vector<std::vector<at::Tensor>> ring_views_;  // [receptor][slot] -> [B, N_post]
  const void* ring_views_of_ = nullptr;              // ring data the views were made for
  std::unique_ptr<Plasticity> plasticity_;
  bool learning_ = true;
  double normalize_target_ = std::numeric_limits<double>::quiet_NaN();
};

// Builds the dense connectivity of a projection (snn/connectivity.cpp). Throws ValueError naming the
// argument and its value for anything invalid; builds nothing on the network until it succeeds.
struct ProjectionBuilder {
  static std::unique_ptr<Projection> build(Population& pre, Population& post, const ConnectSpec& spec,
                                           double dt, uint64_t seed, uint32_t stream);
};

}  // namespace snn
