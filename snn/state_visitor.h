// snn/state_visitor.h — what a checkpoint holds of an owner (population, rule, projection, signal,
// monitor), listed once. Each owner has one visit function; the same function saves (the visitor
// reads the arguments) and loads (the visitor writes them), so saving and loading cannot drift apart.
//
// Loading runs every visit twice: a check pass that writes nothing and throws on anything missing, of
// the wrong dtype or shape, or invalid, then the apply pass. A failed load leaves the network unchanged.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "snn/errors.h"
#include "snn/params.h"
#include "snn/state.h"

namespace snn {

class StateVisitor {
 public:
  virtual ~StateVisitor() = default;

  // True in the apply pass of a load: owners rebuild what they derive from loaded values only then.
  virtual bool applying() const = 0;

  // A tensor whose dtype and shape the owner fixes (state, weights, buffers): loading copies in place,
  // so views and pointers into it stay valid.
  virtual void tensor(const std::string& name, at::Tensor& t) = 0;
  // A tensor that may be undefined (not yet drawn) or whose shape varies: loading replaces it (an
  // absent entry leaves it undefined). `device`: where a loaded one lives; `shape` and `dtype`, when
  // given, what a present one must have.
  virtual void free_tensor(const std::string& name, at::Tensor& t, const at::Device& device, at::IntArrayRef shape = {},
                           at::ScalarType dtype = at::ScalarType::Undefined) = 0;
  // Loading: the stored tensor of `name` (both passes, for checks), or null; saving: null.
  virtual const at::Tensor* peek(const std::string& name) const = 0;
  // The same for a name outside any scope ("network.step").
  virtual const at::Tensor* peek_root(const std::string& name) const = 0;
  // Part of the structure (connectivity): saved, and on loading required to be equal.
  virtual void structure(const std::string& name, const at::Tensor& t) = 0;
  // Parameters, one tensor each (0-dim, or [N] when they differ per neuron). Loading calls
  // set(values, apply): the owner validates them in both passes and stores them when apply is true.
  virtual void params(const std::string& name, const ParamTable& table,
                      const std::function<void(const ParamMap&, bool apply)>& set) = 0;

  // Scalars, as 0-dim tensors.
  void integer(const std::string& name, int64_t& v) { scalar(name, v, at::kLong); }
  void real(const std::string& name, double& v) { scalar(name, v, at::kDouble); }
  void flag(const std::string& name, bool& v) {
    int64_t i = v ? 1 : 0;
    scalar(name, i, at::kLong);
    v = i != 0;
  }
  // A host vector, as a 1-D tensor. Loading checks, in both passes, that it has `size` elements (when
  // >= 0) and that every element lies in [lo, hi].
  template <class T>
  void vector(const std::string& name, std::vector<T>& v, int64_t size = -1, T lo = std::numeric_limits<T>::lowest(),
              T hi = std::numeric_limits<T>::max()) {
    constexpr at::ScalarType type = at::CppTypeToScalarType<T>::value;
    if (const at::Tensor* s = peek(name)) {
      if (s->scalar_type() != type || s->dim() != 1 || (size >= 0 && s->numel() != size)) {
        throw ValueError(cat("state_dict['", full_name(name), "'] has dtype ", s->scalar_type(), " and shape ", s->sizes(),
                             "; expected ", type, size >= 0 ? cat(" [", size, "]") : std::string(" [any]")));
      }
      if (s->numel() && (!(s->min().template item<T>() >= lo) || !(s->max().template item<T>() <= hi))) {
        throw ValueError(cat("state_dict['", full_name(name), "'] has values outside [", lo, ", ", hi, "]"));
      }
    }
    at::Tensor t = at::from_blob(v.data(), {static_cast<int64_t>(v.size())}, type).clone();
    free_tensor(name, t, at::kCPU);
    if (!applying()) return;
    if (!t.defined() || t.dim() != 1 || t.scalar_type() != at::CppTypeToScalarType<T>::value) {
      v.clear();
      return;
    }
    const T* p = t.data_ptr<T>();
    v.assign(p, p + t.numel());
  }

  // Names visited inside a Scope are "<scope>.<name>".
  class Scope {
   public:
    Scope(StateVisitor& v, const std::string& name) : v_(v), saved_(v.prefix_) { v.prefix_ += name + "."; }
    ~Scope() { v_.prefix_ = saved_; }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    StateVisitor& v_;
    std::string saved_;
  };

 protected:
  std::string full_name(const std::string& name) const { return prefix_ + name; }

 private:
  template <class T>
  void scalar(const std::string& name, T& v, at::ScalarType dtype) {
    at::Tensor t = at::scalar_tensor(static_cast<double>(v), at::TensorOptions().dtype(dtype));
    if (dtype == at::kLong) t.fill_(static_cast<int64_t>(v));  // exact beyond 2^53
    tensor(name, t);
    v = dtype == at::kLong ? static_cast<T>(t.item<int64_t>()) : static_cast<T>(t.item<double>());
  }
  std::string prefix_;
};

// What populations, rules and short-term plasticity share: their parameters ("params.<name>"; `with`
// validates a set of values and returns the table with them, as their set_params does) and every
// variable of their state table.
template <class With>
void visit_params_and_state(StateVisitor& v, ParamTable& params, std::vector<StateVar>& vars, const With& with) {
  v.params("params", params, [&](const ParamMap& values, bool apply) {
    ParamTable candidate = with(values);
    if (apply) params = std::move(candidate);
  });
  for (StateVar& var : vars) v.tensor(var.name, var.tensor);
}

}  // namespace snn
