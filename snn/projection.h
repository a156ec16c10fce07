// snn/projection.h — connections from one population to another, and how they are specified.
//
// Storage (chosen per projection: storage = "dense" | "sparse" | "auto"):
//   dense   weight [N_pre, N_post] in the network's dtype (0 where there is no synapse) and
//           synapse_count [N_pre, N_post] (synapses per entry; multapses are summed, which delivery
//           cannot tell apart). For all-to-all and dense random connectivity.
//   sparse  CSR by presynaptic neuron: row_ptr [N_pre + 1] (int64), post_index [S] (int32, ascending
//           within a row) and weight [S]; multapses stay separate synapses. 8 bytes per synapse
//           (float32), 12 with per-synapse delays; a learning rule adds the transposed index
//           (8 bytes per synapse) for its post-side updates.
//   auto    (default) sparse when fewer than a third of the N_pre x N_post entries hold a synapse.
// Delays are whole steps >= 1: one for the projection, or one per synapse (int32 [N_pre, N_post] or
// [S]); the target's input ring is as deep as the longest delay.
//
// Delivery (snn/kernels/delivery_math.h) is event-driven: a step reads only the rows of neurons that
// spiked. A dense projection with one delay may use a matrix product instead (ring slot += spikes @ W,
// BLAS / cuBLAS), which wins when many rows are active: on the CPU it is chosen when
// the fraction of the [batch, N_pre] spike matrix that is nonzero is >= kGemmActivity, measured
// (benchmarks/RESULTS.md; with a slow reference BLAS events win at any density);
// on CUDA when the batch has kGemmBatchCuda entries or more.
// Receptors: targets with separate excitatory and inhibitory inputs (LIFExp) take w > 0 on the
// excitatory and w < 0 on the inhibitory receptor, decided per synapse as in NEST. The matrix product
// feeds them the weights' signed parts; which parts exist is read once per run (begin_run), and a rule
// whose bounds let weights cross 0 (Plasticity::weight_range) gets both for the run, so that no step
// reads the weights back (snn/host_reads.h).
// Parrot targets ignore weights and receive spike counts (NEST's parrot_neuron).
#pragma once

#include <ATen/ATen.h>

#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "snn/kernels/synapse_visits.h"
#include "snn/plasticity/rule.h"
#include "snn/plasticity/short_term.h"

namespace snn {

class Population;
class Network;

// A value for every synapse: a constant, a tensor, or a distribution drawn from the network's seeded
// generator (counter-based: the value of synapse s does not depend on threads or device).
// Distributions may be truncated to [min, max]: values outside are redrawn (NEST's *_clipped).
struct Init {
  enum class Kind { Constant, Uniform, Normal, LogNormal, Exponential, Tensor };
  Kind kind = Kind::Constant;
  double a = 1.0;  // Constant: the value; Uniform: low; Normal: mean; LogNormal: mu of log
  double b = 0.0;  // Uniform: high; Normal: standard deviation; LogNormal: sigma of log
                   // (Exponential: a is the scale beta, the mean)
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  at::Tensor tensor;       // Tensor: [N_pre, N_post], or [number of synapses] in the rule's order

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
  static Init exponential(double beta) { return make(Kind::Exponential, beta, 0.0); }
  static Init from(const at::Tensor& t) {
    Init i;
    i.kind = Kind::Tensor;
    i.tensor = t;
    return i;
  }
  Init& clip(double lo, double hi) {
    min = lo;
    max = hi;
    return *this;
  }
};

// A connection rule and its arguments (NEST's names); what is not given stays empty. Rules:
//   one_to_one (N_pre == N_post), all_to_all, fixed_indegree (indegree), fixed_outdegree (outdegree),
//   pairwise_bernoulli (p), fixed_total_number (N).
// autapses: allow i -> i when pre and post are the same population (NEST default: true).
// multapses: allow several synapses between one pair in the fixed_* rules (NEST default: true).
// pre_neurons / post_neurons: the rule connects these neurons of pre and post (indices, in this order)
// instead of all of them: a rule sees them as a population of their own (the k-th listed neuron is
// its neuron k: weight tensors and one_to_one pair them in list order). Unique, except for one_to_one,
// where repeated indices make explicit pairs (pre_neurons[k] -> post_neurons[k]).
struct ConnectSpec {
  std::string rule = "all_to_all";
  std::optional<int64_t> indegree;
  std::optional<int64_t> outdegree;
  std::optional<int64_t> N;
  std::optional<double> p;
  bool autapses = true;
  bool multapses = true;
  std::optional<std::vector<int64_t>> pre_neurons;   // empty: every neuron of pre
  std::optional<std::vector<int64_t>> post_neurons;  // empty: every neuron of post
  Init weight = Init::constant(1.0);
  std::optional<Init> delay;      // [ms]; empty: one step (dt), whatever dt is
  std::string name;               // default: "<pre>-><post>"
  std::string storage = "auto";   // "auto", "dense" or "sparse"
  std::optional<PlasticitySpec> plasticity;  // empty: static weights
  std::optional<ShortTermSpec> short_term;   // empty: every spike transmits w
  // Scale each target's incoming weights to sum to this value at the start of every run
  // (Diehl & Cook's normalisation); empty: never.
  std::optional<double> normalize;
};

class Projection {
 public:
  enum class Storage { Dense, Sparse };

  // Delivery switches to a matrix product (dense, one delay) at or above these (see the top).
  static constexpr double kGemmActivity = 0.25;
  static constexpr int64_t kGemmBatchCuda = 16;

  const std::string& name() const { return name_; }
  const std::string& rule() const { return rule_; }
  Population& pre() const { return *pre_; }
  Population& post() const { return *post_; }
  Storage storage() const { return storage_; }
  bool sparse() const { return storage_ == Storage::Sparse; }

  // The weights: [N_pre, N_post] (dense) or [S] (sparse, in CSR order). Shared: changes are seen by
  // the next step. A lazily updating rule (DopamineSTDP) first brings every synapse up to date.
  const at::Tensor& weight();
  // Checks shape, dtype and device; copies in place. Dense entries without a synapse must stay 0.
  void set_weight(const at::Tensor& w);
  // Dense: synapses per entry. Sparse: built on request as [N_pre, N_post] (allocates).
  at::Tensor synapse_count() const;
  // Source and target neuron of every synapse, [S] each (int64), in storage order; targets are places
  // in the block of post held here (global_indices: neurons of the whole post population).
  std::pair<at::Tensor, at::Tensor> indices() const;
  std::pair<at::Tensor, at::Tensor> global_indices() const;
  // Weights as [N_pre, N_post] (sparse: summed over multapses; allocates).
  at::Tensor dense_weight();
  int64_t num_synapses() const { return num_synapses_; }
  // Delays [ms]: a 0-dim tensor for a one-delay projection, else one per synapse ([N_pre, N_post] with
  // 0 where there is no synapse, or [S]).
  at::Tensor delay() const;
  // The delay in steps when the projection has one delay, else -1.
  int64_t uniform_delay_steps() const { return uniform_delay_; }
  int64_t max_delay_steps() const { return max_delay_; }
  // The shortest delay of any synapse, in steps (the longest interval between exchanges of a distributed network).
  int64_t min_delay_steps() const { return min_delay_; }
  // The random stream of the projection's learning rule (connectivity, weights and delays use the three
  // streams before it).
  uint32_t rule_stream() const { return stream_ + 3; }
  // Bytes of the synapse arrays (weights, indices, delays, counts, transposed index).
  int64_t synapse_bytes() const;
  // How the last step delivered: "none", "events" or "matrix".
  const char* last_delivery() const { return last_delivery_; }

  // The learning rule, or null for static weights.
  Plasticity* plasticity() const { return plasticity_.get(); }
  // Short-term plasticity (snn/plasticity/short_term.h), or null.
  ShortTermPlasticity* short_term() const { return short_term_.get(); }
  // Learning on/off for this projection (Network::set_learning switches all of them).
  bool learning() const { return learning_; }
  void set_learning(bool on) { learning_ = on; }
  // Scales each target neuron's incoming weights so that they sum to `target` (targets whose weights
  // sum to 0 are left alone). normalize_target() is applied at the start of every run (empty: never).
  void normalize(double target);
  const std::optional<double>& normalize_target() const { return normalize_target_; }
  void set_normalize_target(const std::optional<double>& target);

  // The synapse layout seen by kernels (snn/kernels/synapse_visits.h). The transposed index is built on
  // first use with `transposed`.
  template <typename T>
  kernels::SynapseLayout<T> layout(bool transposed = false);

 private:
  friend class Network;
  friend struct ProjectionBuilder;
  friend struct RuleAccess;
  friend class TransmissionMonitor;  // reads the stored weights of spiking rows
  Projection() = default;
  // Called after weights were written through raw pointers (learning rules, checkpoints).
  void weights_changed() {
    signs_version_ = -1;
    split_stale_ = true;
  }
  // Everything a checkpoint holds of the projection (snn/state_visitor.h): connectivity as structure,
  // weights, the rule's and short-term plasticity's parameters and state.
  void visit(StateVisitor& v);
  void bind_ring_views();  // caches [receptor][slot] views of the target ring before a run
  void propagate(int64_t step);
  void propagate_matrix(int64_t step, const at::Tensor& spikes);
  void build_transposed();
  // Before each run (the host may read values here, not in steps): targets with two receptors, one
  // delay, matrix delivery: which receptors the weights feed during the run (routing_).
  void begin_run();

  std::string name_, rule_;
  Population* pre_ = nullptr;
  Population* post_ = nullptr;
  double dt_ = 0.0;
  uint32_t stream_ = 0;     // first of the projection's four random streams
  Storage storage_ = Storage::Dense;
  at::Tensor weight_;       // [N_pre, N_post] or [S]
  at::Tensor count_;        // dense: [N_pre, N_post], synapses per entry
  at::Tensor row_ptr_;      // sparse: int64 [N_pre + 1]
  at::Tensor post_index_;   // sparse: int32 [S]
  at::Tensor col_ptr_, col_syn_, col_pre_;  // sparse transposed index (int64 [N_post + 1], int32 [S] x 2)
  at::Tensor delay_steps_;  // int32, one per synapse (dense: per entry), when delays differ
  int64_t uniform_delay_ = 1;
  int64_t max_delay_ = 1;
  int64_t min_delay_ = 1;
  bool same_index_ = false;  // one_to_one between whole populations: neuron i -> neuron i
  std::vector<int32_t> delay_row_;  // CPU dense delivery with delays: ring row offset by delay, this step
  int64_t num_synapses_ = 0;
  const char* last_delivery_ = "none";
  int32_t routing_ = 0;  // this run: 0: excitatory, 1: inhibitory, 2: both (signed parts)
  int32_t signs_ = 0;    // the same for the weights as they are (read when their version changes)
  int64_t signs_version_ = -1;
  at::Tensor w_ex_, w_in_;   // routing 2: the weights' positive and negative parts
  bool split_stale_ = true;  // w_ex_, w_in_ must be split again
  std::vector<std::vector<at::Tensor>> ring_views_;  // [receptor][slot] -> [B, N_post]
  const void* ring_views_of_ = nullptr;              // ring data the views were made for
  std::unique_ptr<Plasticity> plasticity_;
  std::unique_ptr<ShortTermPlasticity> short_term_;
  Neuromodulator* signal_ = nullptr;  // the signal the rule reads (resolved once, when connected)
  bool learning_ = true;
  std::optional<double> normalize_target_;
};

// Builds the connectivity of a projection (snn/connectivity.cpp). Throws ValueError naming the
// argument and its value for anything invalid; builds nothing on the network until it succeeds.
struct ProjectionBuilder {
  // A projection from pre to post with no synapses yet (the builders below fill it).
  static std::unique_ptr<Projection> start(Population& pre, Population& post, const std::string& rule, double dt,
                                           uint32_t stream);
  static std::unique_ptr<Projection> build(Population& pre, Population& post, const ConnectSpec& spec,
                                           double dt, uint64_t seed, uint32_t stream);
  static std::unique_ptr<Projection> build_all_to_all(Population& pre, Population& post, const ConnectSpec& spec,
                                                      double dt, uint64_t seed, uint32_t stream);
  // A projection with saved connectivity (snn/checkpoint.cpp): dense `links` is the count per entry
  // [N_pre, N_post]; sparse, `links` is row_ptr [N_pre + 1] and `post_index` [S]. Validated first.
  static std::unique_ptr<Projection> restore(Population& pre, Population& post, const std::string& rule, bool sparse,
                                             const at::Tensor& weight, const at::Tensor& links,
                                             const at::Tensor& post_index, const at::Tensor& delay_steps,
                                             int64_t uniform_delay, double dt, uint32_t stream);
};

}  // namespace snn
