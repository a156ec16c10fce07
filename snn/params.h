// snn/params.h — a population's parameters: named scalars with a unit, a constraint and a description.
//
// One table per population serves the C++ API, the Python attributes (pop.tau_m) and the checks:
// set() validates the single value; a model validates relations between values (V_reset < V_th) in
// its check_params(). Population::set_param() works on a copy and commits only when both pass.
#pragma once

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

struct ParamSpec {
  std::string name;
  double value;
  std::string unit;  // "ms", "mV", "pA", "pF", "Hz", or "" for dimensionless
  Constraint constraint;
  std::string doc;
};

using ParamMap = std::map<std::string, double>;

class ParamTable {
 public:
  ParamTable() = default;
  explicit ParamTable(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {}

  bool has(std::string_view name) const;
  double get(std::string_view name) const;
  // Throws ValueError naming the owner, the parameter and the value when the constraint fails, and
  // when `name` is unknown (listing the known names).
  void set(const std::string& name, double value, const std::string& owner);
  std::vector<std::string> names() const;
  const std::vector<ParamSpec>& specs() const { return specs_; }
  // Grows with every set(): a table's values are unchanged while its version is.
  uint64_t version() const { return version_; }

 private:
  const ParamSpec* find(std::string_view name) const;
  std::vector<ParamSpec> specs_;
  uint64_t version_ = 0;
};

// Constants a model or a rule derives from its parameters, dt and the learning mode (propagators,
// decays, bounds): `fill` rebuilds them when one of those changed since the last call; otherwise they
// are kept, so a step does not look parameters up by name (a fixed cost that dominates small
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

// The same for a kernel's parameter struct P<T> in both precisions: `fill(P<T>&)` (a generic lambda)
// fills P<float> and P<double>; get<T>() returns the one a step runs with.
template <template <typename> class P>
class DerivedParams {
 public:
  template <typename T, class Fill>
  const P<T>& get(const ParamTable& params, double dt, bool learning, Fill fill) {
    const Both& both = cache_.get(params, dt, learning, [&](Both& b) {
      fill(b.f);
      fill(b.d);
    });
    if constexpr (std::is_same<T, float>::value) {
      return both.f;
    } else {
      return both.d;
    }
  }

 private:
  struct Both {
    P<float> f;
    P<double> d;
  };
  Derived<Both> cache_;
};

}  // namespace snn
