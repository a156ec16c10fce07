// python/src/bindings.h — what every binding file includes (also their precompiled header).
// torch/csrc/utils/pybind.h brings the at::Tensor <-> torch.Tensor caster: tensors cross without copies.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <torch/csrc/utils/pybind.h>

#include "snn/backend.h"
#include "snn/snn.h"

namespace py = pybind11;

namespace snn {
namespace python {

void bind_network(py::module_& m);
void bind_monitors(py::module_& m);
void bind_plasticity(py::module_& m);
void bind_data(py::module_& m);

// Python values of parameters (python/src/convert.cpp). A value is a number (bool, int, float), or one
// number per neuron: a tensor (any real dtype and device) or a sequence of numbers. TypeError naming
// `owner` and the parameter for anything else.
ParamValue to_param_value(const std::string& owner, const std::string& name, const py::handle& value);
ParamMap to_param_map(const std::string& owner, const py::dict& values);
// A parameter as Python reads it: a float when it is the same for every neuron, else a float64 tensor [N].
py::object param_to_python(const ParamTable& table, ParamId id);

}  // namespace python
}  // namespace snn
