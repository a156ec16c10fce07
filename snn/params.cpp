// snn/params.cpp — parameter tables (snn/params.h): lookup, per-neuron values, validation.
#include "snn/params.h"

#include <algorithm>
#include <cmath>

#include "snn/errors.h"

namespace snn {

ParamValue::ParamValue(const at::Tensor& t) {
  if (!t.defined()) throw_value_error("a parameter value must be a number or a tensor, got an undefined tensor");
  if (t.is_complex() || t.scalar_type() == at::kBool) {
    throw_type_error("a parameter value must be real, got a tensor of ", t.scalar_type());
  }
  if (t.dim() == 0) {
    scalar_ = t.item<double>();
    return;
  }
  if (t.dim() != 1) throw_value_error("a parameter takes one value per neuron (a 1-D tensor), got shape ", t.sizes());
  const at::Tensor host = t.detach().to(at::kCPU, at::kDouble).contiguous();
  values_.assign(host.data_ptr<double>(), host.data_ptr<double>() + host.numel());
  per_element_ = true;
}

ParamTable::ParamTable(std::vector<ParamSpec> specs, int64_t elements)
    : specs_(std::move(specs)), each_(specs_.size()), elements_(elements) {}

bool ParamTable::has(std::string_view name) const {
  return std::any_of(specs_.begin(), specs_.end(), [&](const ParamSpec& s) { return s.name == name; });
}

ParamId ParamTable::id(std::string_view name, const std::string& owner) const {
  for (size_t k = 0; k < specs_.size(); ++k) {
    if (specs_[k].name == name) return ParamId{static_cast<int>(k)};
  }
  throw_value_error(owner.empty() ? "" : owner + " has ", owner.empty() ? "unknown parameter '" : "no parameter '", name,
                    "'; parameters: ", join(names(), "(none)"));
}

std::vector<std::string> ParamTable::names() const {
  std::vector<std::string> out;
  for (const auto& s : specs_) out.push_back(s.name);
  return out;
}

double ParamTable::value(ParamId id) const {
  if (!uniform(id)) {
    throw_value_error(spec(id).name, " differs between neurons: read it with values() (Python: a tensor)");
  }
  return spec(id).value;
}

std::vector<double> ParamTable::values(ParamId id) const {
  if (uniform(id)) return std::vector<double>(static_cast<size_t>(std::max<int64_t>(elements_, 1)), spec(id).value);
  return each_[static_cast<size_t>(id.index)];
}

std::string ParamTable::where(int64_t element) const { return uniform() ? "" : cat(" at neuron ", element); }

namespace {

// ValueError when `value` breaks `constraint`; `name` already carries the element ("tau_m[3]").
void check_constraint(Constraint constraint, double value, const std::string& owner, const std::string& name,
                      const std::string& unit) {
  const std::string u = unit.empty() ? "" : " " + unit;
  switch (constraint) {
    case Constraint::Finite:
      if (!std::isfinite(value)) throw_value_error(owner, ": ", name, " must be finite, got ", value);
      break;
    case Constraint::Positive:
      if (!(value > 0) || !std::isfinite(value)) throw_value_error(owner, ": ", name, " must be > 0", u, ", got ", value);
      break;
    case Constraint::NonNegative:
      if (!(value >= 0) || !std::isfinite(value)) throw_value_error(owner, ": ", name, " must be >= 0", u, ", got ", value);
      break;
    case Constraint::PositiveOrInf:
      if (!(value > 0)) throw_value_error(owner, ": ", name, " must be > 0", u, " (inf allowed), got ", value);
      break;
    case Constraint::NotNaN:
      if (std::isnan(value)) throw_value_error(owner, ": ", name, " must not be NaN");
      break;
    case Constraint::Bool:
      if (value != 0.0 && value != 1.0) throw_value_error(owner, ": ", name, " must be 0 or 1 (false or true), got ", value);
      break;
  }
}

}  // namespace

void ParamTable::set(const std::string& name, const ParamValue& value, const std::string& owner) {
  const ParamId k = id(name, owner);
  ParamSpec& s = specs_[static_cast<size_t>(k.index)];
  std::vector<double>& each = each_[static_cast<size_t>(k.index)];
  if (!value.per_element()) {
    check_constraint(s.constraint, value.scalar(), owner, name, s.unit);
    s.value = value.scalar();
    if (!each.empty()) --per_element_count_;
    each.clear();
    ++version_;
    return;
  }
  const std::vector<double>& v = value.values();
  if (elements_ == 0) {
    throw_value_error(owner, ": ", name, " takes one number, got ", v.size(), " values");
  }
  if (s.scope == Scope::Shared) {
    throw_value_error(owner, ": ", name, " is a switch of the whole population and takes one number, got ", v.size(),
                      " values");
  }
  if (static_cast<int64_t>(v.size()) != elements_) {
    throw_value_error(owner, ": ", name, " takes one number or one per neuron (", elements_, "), got ", v.size(), " values");
  }
  for (size_t i = 0; i < v.size(); ++i) check_constraint(s.constraint, v[i], owner, cat(name, "[", i, "]"), s.unit);
  const bool all_equal = std::all_of(v.begin(), v.end(), [&](double x) { return x == v.front(); });
  if (all_equal) {
    s.value = v.front();
    if (!each.empty()) --per_element_count_;
    each.clear();
  } else {
    if (each.empty()) ++per_element_count_;
    each = v;
  }
  ++version_;
}

void check_ordered(const ParamTable& p, ParamId lo, ParamId hi, const std::string& owner, bool or_equal) {
  const ParamSpec &a = p.spec(lo), &b = p.spec(hi);
  for (int64_t i = 0; i < p.distinct_rows(); ++i) {
    const ParamRow r = p.row(i);
    if (or_equal ? !(r[lo] <= r[hi]) : !(r[lo] < r[hi])) {
      throw_value_error(owner, ": ", a.name, " must be ", or_equal ? "<= " : "< ", b.name, ", got ", a.name, " ", r[lo], " ",
                        a.unit, " and ", b.name, " ", r[hi], " ", b.unit, p.where(i));
    }
  }
}

}  // namespace snn
