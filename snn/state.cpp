// snn/state.cpp — state tables (snn/state.h).
#include "snn/state.h"

#include <algorithm>

#include "snn/errors.h"

namespace snn {

StateRef StateTable::declare(std::string name, std::string unit, StateShape shape, bool learned, at::ScalarType dtype) {
  vars_.push_back({std::move(name), std::move(unit), shape, dtype, learned, at::Tensor()});
  return StateRef{static_cast<int>(vars_.size()) - 1};
}

StateRef StateTable::ref(std::string_view name, const std::string& owner) const {
  for (size_t k = 0; k < vars_.size(); ++k) {
    if (vars_[k].name == name) return StateRef{static_cast<int>(k)};
  }
  throw_value_error(owner, " has no state variable '", name, "'; state variables: ", join(names(), "(none)"));
}

bool StateTable::has(std::string_view name) const {
  return std::any_of(vars_.begin(), vars_.end(), [&](const StateVar& v) { return v.name == name; });
}

std::vector<std::string> StateTable::names() const {
  std::vector<std::string> out;
  for (const auto& v : vars_) out.push_back(v.name);
  return out;
}

}  // namespace snn
