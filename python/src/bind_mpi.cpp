// python/src/bind_mpi.cpp — the extension module snn._mpi (built when MPI is found): this process's
// MPI rank and the collectives of snn::distributed::MpiContext. The public API is python/snn/distributed.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <stdexcept>

#include "snn/distributed/mpi_context.h"

namespace py = pybind11;
using snn::distributed::MpiContext;

PYBIND11_MODULE(_mpi, m) {
  m.doc() = "MPI for distributed snn runs (use snn.distributed)";
  py::register_exception<std::runtime_error>(m, "MPIError", PyExc_RuntimeError);
  m.def("rank", [] { return MpiContext::get().rank(); }, "This process's rank (initialises MPI on first use).");
  m.def("size", [] { return MpiContext::get().size(); }, "The number of processes of the run.");
  m.def("allgather", [](const std::vector<int64_t>& local) { return MpiContext::get().allgather(local); },
        py::arg("local"), py::call_guard<py::gil_scoped_release>(), "Every rank's list, concatenated in rank order.");
  m.def("allgather_bytes", [](const py::bytes& local) {
    const std::string mine = local;
    std::vector<std::string> all;
    {
      py::gil_scoped_release release;
      all = MpiContext::get().allgather_bytes(mine);
    }
    py::list out;
    for (const std::string& b : all) out.append(py::bytes(b));
    return out;
  }, py::arg("local"), "Every rank's bytes, in rank order.");
  m.def("same_on_all", [](uint64_t value) { return MpiContext::get().same_on_all(value); }, py::arg("value"),
        py::call_guard<py::gil_scoped_release>(), "Whether every rank passed the same value.");
  m.def("abort", [](int code) { MpiContext::get().abort(code); }, py::arg("code"),
        "Ends every process of the run (MPI_Abort): a process that fails cannot leave the others waiting.");
  m.def("barrier", [] { MpiContext::get().barrier(); }, py::call_guard<py::gil_scoped_release>());
  m.def("communicator", [] {
    const snn::distributed::Communicator* comm = &MpiContext::get();  // lives until the process exits
    return py::capsule(const_cast<snn::distributed::Communicator*>(comm), snn::distributed::kCommunicatorCapsule);
  }, "MPI_COMM_WORLD for snn.Network(distributed=True): a capsule for snn._snn.");
}
