// python/src/module.cpp — the extension module snn._snn. The public Python API is the package
// python/snn/, which wraps these classes; user code does not import _snn directly.
#include "bindings.h"

PYBIND11_MODULE(_snn, m) {
  m.doc() = "snn C++ core (use the snn package)";
  // snn::ValueError and snn::TypeError derive from std::invalid_argument (-> ValueError); TypeError
  // needs its own translation. MonitorFullError is a RuntimeError subclass.
  py::register_exception<snn::MonitorFullError>(m, "MonitorFullError", PyExc_RuntimeError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const snn::TypeError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    }
  });
  snn::python::bind_plasticity(m);
  snn::python::bind_network(m);
  snn::python::bind_monitors(m);
  snn::python::bind_data(m);
}
