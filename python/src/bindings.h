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

}  // namespace python
}  // namespace snn
