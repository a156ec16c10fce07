// snn/params.h — the parameters of a population or a learning rule: named values with a unit, a
// constraint and a description; for neurons, one value for the whole population or one per neuron.
//
// One table per population or rule serves the C++ API, the Python attributes (pop.tau_m) and the
// checks. set() validates each value alone (per neuron: the message names the neuron); the owner
// validates relations between values (V_reset < V_th, neuron by neuron) in its check_params(), and
// commits only when both pass, so a failed call changes nothing.
//
// Per-neuron values: a table of a population of N neurons holds, for each parameter, either one value
// (uniform: the kernels' fast path) or N values. A list whose values are all equal is stored as one
// value, so "uniform" means "the same for every neuron", however it was given. Parameters marked
// Scope::Shared are switches of the whole population (one_spike) and take one value. Rule tables
// (elements 0) take one value per parameter.
//
// Constants derived from parameters (propagators such as exp(-dt/tau_m), steps) are computed once per
// change: Derived<C> for a rule or a population's host-side constants, NeuronConstants<P>
// (snn/population.h) for a kernel's parameter struct, per neuron where parameters differ.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace snn {

enum class Constraint {
  Finite,          // any finite value
  Positive,        // > 0, finite
  NonNegative,     // >= 0, finite
  PositiveOrInf,   // > 0, +inf allowed (a time constant that may be switched off)
  NotNaN,          // any value but NaN, +-inf allowed (weight bounds)
  Bool,            // 0 or 1
};

// Whether a population's parameter may differ between its neurons.
enum class Scope {
  PerNeuron,  // a neuron's property (tau_m, V_th, I_e, ...): one value or one per neuron
  Shared,     // a switch of the whole population (one_spike): one value
};

struct ParamSpec {
  std::string name;
  double value;      // default
  std::string unit;  // "ms", "mV", "pA", "pF", "Hz", or "" for dimensionless
  Constraint constraint;
  std::string doc;
  Scope scope = Scope::PerNeuron;
};

// A value given for a parameter: one number (double, or a 0-dim tensor), or one per neuron (a list
// or a 1-D tensor of any real dtype and device, copied to the host as float64).
class ParamValue {
 public:
  ParamValue(double v) : scalar_(v) {}  // NOLINT: implicit, so that {{"tau_m", 20.0}} reads naturally
  ParamValue(int v) : scalar_(v) {}     // NOLINT
  ParamValue(std::vector<double> values) : values_(std::move(values)), per_element_(true) {}  // NOLINT
  ParamValue(const at::Tensor& t);  // NOLINT
  bool per_element() const { return per_element_; }
  double scalar() const { return scalar_; }
  const std::vector<double>& values() const { return values_; }
  // Elements [first, first + count) of one value per element (a distributed network's block); with
  // count 0, the first value alone (a table of no neurons takes one value). A single value is kept.
  ParamValue part(int64_t first, int64_t count) const {
    if (!per_element_) return *this;
    if (count == 0) return ParamValue(values_.empty() ? 0.0 : values_.front());
    return ParamValue(std::vector<double>(values_.begin() + first, values_.begin() + first + count));
  }

 private:
  double scalar_ = 0.0;
  std::vector<double> values_;
  bool per_element_ = false;
};

using ParamMap = std::map<std::string, ParamValue>;

// A parameter's place in its table, looked up by name once (ParamTable::id) and used by every step.
struct ParamId {
  int index = -1;
};

class ParamTable;

// The parameter values of one element (neuron) of a table: row[id].
class ParamRow {
 public:
  ParamRow(const ParamTable& table, int64_t element) : table_(&table), element_(element) {}
  double operator[](ParamId id) const;
  int64_t element() const { return element_; }

 private:
  const ParamTable* table_;
  int64_t element_;
};

class ParamTable {
 public:
  ParamTable() = default;
  // `elements`: the number of neurons whose values may differ (0: one value per parameter).
  explicit ParamTable(std::vector<ParamSpec> specs, int64_t elements = 0);

  // Throws ValueError naming `owner` and listing the parameters when `name` is unknown.
  ParamId id(std::string_view name, const std::string& owner = "") const;
  bool has(std::string_view name) const;
  const ParamSpec& spec(ParamId id) const { return specs_[static_cast<size_t>(id.index)]; }
  std::vector<std::string> names() const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  int64_t elements() const { return elements_; }

  // Whether a parameter (or every parameter) has one value for all elements.
  bool uniform(ParamId id) const { return each_[static_cast<size_t>(id.index)].empty(); }
  bool uniform() const { return per_element_count_ == 0; }
  // The value of element `element`.
  double at(ParamId id, int64_t element) const {
    const std::vector<double>& each = each_[static_cast<size_t>(id.index)];
    return each.empty() ? spec(id).value : each[static_cast<size_t>(element)];
  }
  // The one value of a uniform parameter (ValueError naming it when its values differ).
  double value(ParamId id) const;
  double get(std::string_view name) const { return value(id(name)); }
  // Every element's value (elements() values; a uniform parameter's repeated).
  std::vector<double> values(ParamId id) const;
  ParamRow row(int64_t element) const { return ParamRow(*this, element); }
  // Rows that can differ: 1 when every parameter is uniform (row 0 stands for all), else elements().
  int64_t distinct_rows() const { return uniform() ? 1 : elements_; }
  // " at neuron i" when the values differ between elements, else "": for messages about row i.
  std::string where(int64_t element) const;

  // Validates `value` (each element's, naming the element that fails) and stores it.
  void set(const std::string& name, const ParamValue& value, const std::string& owner);
  // Grows with every set(): a table's values are unchanged while its version is.
  uint64_t version() const { return version_; }

 private:
  std::vector<ParamSpec> specs_;
  std::vector<std::vector<double>> each_;  // per parameter: empty (uniform) or one value per element
  int64_t per_element_count_ = 0;          // parameters with per-element values
  int64_t elements_ = 0;
  uint64_t version_ = 0;
};

inline double ParamRow::operator[](ParamId id) const { return table_->at(id, element_); }

// Constants derived from a table, dt and the learning switch (propagators, decays, bounds): get()
// rebuilds them through `fill` when one of those changed since the last call and otherwise returns
// the kept ones, so that a step never looks parameters up by name (a fixed cost that dominates small
// populations). If `fill` throws, nothing is marked fresh.
template <class C>
class Derived {
 public:
  template <class Fill>
  const C& get(const ParamTable& params, double dt, bool learning, Fill fill) {
    if (version_ != params.version() || dt_ != dt || learning_ != learning) {
      fill(value_);
      version_ = params.version();
      dt_ = dt;
      learning_ = learning;
    }
    return value_;
  }

 private:
  C value_{};
  uint64_t version_ = ~uint64_t{0};
  double dt_ = -1.0;
  bool learning_ = false;
};

// ValueError unless, for every neuron, p[lo] < p[hi] (p[lo] <= p[hi] when `or_equal`):
// "<owner>: V_reset must be < V_th, got V_reset -40 mV and V_th -50 mV[ at neuron i]".
void check_ordered(const ParamTable& p, ParamId lo, ParamId hi, const std::string& owner, bool or_equal = false);

}  // namespace snn
