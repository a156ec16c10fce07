// python/src/convert.cpp — parameter values between Python and the engine (python/src/bindings.h).
#include "bindings.h"

#include <torch/csrc/autograd/python_variable.h>

namespace snn {
namespace python {

ParamValue to_param_value(const std::string& owner, const std::string& name, const py::handle& value) {
  if (py::isinstance<py::bool_>(value)) return ParamValue(value.cast<bool>() ? 1.0 : 0.0);
  if (py::isinstance<py::int_>(value) || py::isinstance<py::float_>(value)) return ParamValue(value.cast<double>());
  if (THPVariable_Check(value.ptr())) return ParamValue(value.cast<at::Tensor>());
  if ((py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value))) {
    std::vector<double> values;
    for (const py::handle& v : value) {
      if (py::isinstance<py::bool_>(v) || !(py::isinstance<py::int_>(v) || py::isinstance<py::float_>(v))) {
        throw_type_error(owner, ": ", name, " must hold numbers, got an element of type ", py::str(v.get_type().attr("__name__")).cast<std::string>());
      }
      values.push_back(v.cast<double>());
    }
    return ParamValue(std::move(values));
  }
  // numpy arrays and other array-likes arrive as tensors through torch.as_tensor in the Python layer.
  throw_type_error(owner, ": ", name, " must be a number, or one number per neuron (a tensor or a list), got ",
                   py::str(value.get_type().attr("__name__")).cast<std::string>());
}

ParamMap to_param_map(const std::string& owner, const py::dict& values) {
  ParamMap out;
  for (const auto& [key, value] : values) {
    const std::string name = py::str(key);
    out.emplace(name, to_param_value(owner, name, value));
  }
  return out;
}

py::object param_to_python(const ParamTable& table, ParamId id) {
  if (table.uniform(id)) return py::float_(table.value(id));
  return py::cast(at::tensor(table.values(id), at::TensorOptions().dtype(at::kDouble)));
}

}  // namespace python
}  // namespace snn
