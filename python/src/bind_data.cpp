// python/src/bind_data.cpp — IDX datasets and spike encoders.
#include "bindings.h"
#include "snn/datasets.h"
#include "snn/encoders.h"

namespace snn {
namespace python {

void bind_data(py::module_& m) {
  m.def("read_idx", &datasets::read_idx, py::arg("path"), py::arg("expected_dims") = 0,
        py::call_guard<py::gil_scoped_release>());
  m.def("read_images_and_labels", &datasets::read_images_and_labels, py::call_guard<py::gil_scoped_release>());
  m.def("write_idx", &datasets::write_idx, py::arg("path"), py::arg("data"), py::arg("gzip"));
  m.def("encode_poisson", &encoders::poisson);
  m.def("encode_bernoulli", &encoders::bernoulli);
  m.def("encode_latency", &encoders::latency);
  m.def("encode_repeat", &encoders::repeat);
}

}  // namespace python
}  // namespace snn
