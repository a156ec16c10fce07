// python/src/bind_plasticity.cpp — learning rules (as owned by projections) and neuromodulator signals.
#include "bindings.h"

namespace snn {
namespace python {

void bind_plasticity(py::module_& m) {
  m.def("plasticity_rules", &plasticity_rules);
  m.def(
      "plasticity_params",
      [](const std::string& rule) {
        const auto r = make_plasticity(PlasticitySpec{rule, {}, ""});
        py::list out;
        for (const auto& s : r->params().specs()) out.append(py::make_tuple(s.name, s.value, s.unit, s.doc));
        return out;
      },
      "Parameters of a learning rule: a list of (name, default, unit, description).");

  py::class_<Plasticity>(m, "Plasticity")
      .def_property_readonly("rule", &Plasticity::rule)
      .def_property_readonly("signal", &Plasticity::signal)
      .def("param_names", [](const Plasticity& p) { return p.params().names(); })
      .def("param", &Plasticity::param)
      .def("set_param", &Plasticity::set_param)
      .def("set_params", &Plasticity::set_params)
      .def("state_names", &Plasticity::state_names)
      .def("state", &Plasticity::state);

  py::class_<Neuromodulator>(m, "Neuromodulator")
      .def_property_readonly("name", &Neuromodulator::name)
      .def_property_readonly("kind", [](const Neuromodulator& s) { return s.kind() == SignalKind::Level ? "level" : "events"; })
      .def_property_readonly("value", &Neuromodulator::value);
}

}  // namespace python
}  // namespace snn
