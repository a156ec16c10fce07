// python/src/bind_plasticity.cpp — learning rules (as owned by projections), the rule registry and
// neuromodulator signals.
#include "bindings.h"

namespace snn {
namespace python {

void bind_plasticity(py::module_& m) {
  m.def("plasticity_rules", &plasticity_rules, "Rule names and NEST aliases.");
  m.def(
      "rule_registry",
      [] {
        py::list out;
        for (const RuleInfo& r : rule_registry()) out.append(py::make_tuple(r.name, r.nest_name, r.signal, r.summary));
        return out;
      },
      "The rule table: a list of (name, NEST name or '', default signal or '', summary).");
  m.def(
      "plasticity_params",
      [](const std::string& rule) {
        const auto r = make_plasticity(PlasticitySpec{rule, {}, ""});
        py::list out;
        for (const auto& s : r->params().specs()) out.append(py::make_tuple(s.name, s.value, s.unit, s.doc));
        return out;
      },
      "Parameters of a learning rule: a list of (name, default, unit, description).");
  m.def(
      "check_rule",
      [](const std::string& rule, const py::dict& params, const std::string& signal) {
        make_plasticity(PlasticitySpec{rule, to_param_map(rule, params), signal});
      },
      "Raises what connecting with this rule would raise for its name, parameters and signal.");

  py::class_<Plasticity>(m, "Plasticity")
      .def_property_readonly("rule", &Plasticity::rule)
      .def_property_readonly("signal", &Plasticity::signal)
      .def("param_names", [](const Plasticity& p) { return p.params().names(); })
      .def("param", &Plasticity::param)
      .def("set_param", [](Plasticity& p, const std::string& name, const py::handle& value) {
        p.set_param(name, to_param_value(p.rule(), name, value));
      })
      .def("set_params", [](Plasticity& p, const py::dict& values) { p.set_params(to_param_map(p.rule(), values)); })
      .def("state_names", &Plasticity::state_names)
      .def("state", [](const Plasticity& p, const std::string& name) { return p.state(name); });

  // Short-term plasticity: the spec given to connect(), and a projection's instance.
  py::class_<ShortTermSpec>(m, "ShortTermSpec")
      .def(py::init([](const py::dict& params) {
             ShortTermSpec spec{to_param_map("ShortTermPlasticity", params)};
             ShortTermPlasticity check(spec.params);  // ValueError now, not at connect()
             return spec;
           }),
           py::arg("params"));
  py::class_<ShortTermPlasticity>(m, "ShortTermPlasticity")
      .def_property_readonly("rule", [](const ShortTermPlasticity&) { return "ShortTermPlasticity"; })
      .def("param_names", [](const ShortTermPlasticity& p) { return p.params().names(); })
      .def("param", &ShortTermPlasticity::param)
      .def("set_param", [](ShortTermPlasticity& p, const std::string& name, const py::handle& value) {
        p.set_params({{name, to_param_value("ShortTermPlasticity", name, value)}});
      })
      .def("set_params", [](ShortTermPlasticity& p, const py::dict& values) {
        p.set_params(to_param_map("ShortTermPlasticity", values));
      })
      .def("state_names", &ShortTermPlasticity::state_names)
      .def("state", [](const ShortTermPlasticity& p, const std::string& name) { return p.state(name); });
  m.def("short_term_params", [] {
    py::list rows;
    const ShortTermPlasticity defaults({});
    for (const ParamSpec& s : defaults.params().specs()) rows.append(py::make_tuple(s.name, s.value, s.unit, s.doc));
    return rows;
  });

  py::class_<Neuromodulator>(m, "Neuromodulator")
      .def_property_readonly("name", &Neuromodulator::name)
      .def_property_readonly("kind", [](const Neuromodulator& s) { return s.kind() == SignalKind::Level ? "level" : "events"; })
      .def_property_readonly("value", &Neuromodulator::value);
}

}  // namespace python
}  // namespace snn
