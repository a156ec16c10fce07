// python/src/bind_monitors.cpp — SpikeMonitor and StateMonitor, and the host-read counter (snn.debug).
#include "bindings.h"
#include "snn/host_reads.h"

namespace snn {
namespace python {

void bind_monitors(py::module_& m) {
  py::class_<HostReadCounter>(m, "HostReadCounter")
      .def(py::init<>())
      .def("stop", &HostReadCounter::stop)
      .def("counts", [](const HostReadCounter& c) {
        const HostReadCounts k = c.counts();
        py::dict out;
        out["runs"] = k.runs;
        out["steps"] = k.steps;
        out["in_steps"] = k.in_steps;
        out["outside_steps"] = k.outside_steps;
        out["ops_in_steps"] = k.ops_in_steps;
        out["steps_with_reads"] = k.steps_with_reads;
        return out;
      });
  py::class_<SpikeMonitor>(m, "SpikeMonitor")
      .def_property_readonly("population", &SpikeMonitor::population, py::return_value_policy::reference_internal)
      .def("events", [](const SpikeMonitor& mon) {
        const SpikeEvents e = mon.events();
        return py::make_tuple(e.times, e.senders, e.batch, e.steps);
      })
      .def("dense", &SpikeMonitor::dense)
      .def("counts", &SpikeMonitor::counts)
      .def_property_readonly("num_events", &SpikeMonitor::num_events)
      .def_property_readonly("recorded_steps", &SpikeMonitor::recorded_steps)
      .def_property_readonly("capacity", &SpikeMonitor::capacity)
      .def("clear", &SpikeMonitor::clear);

  py::class_<SpikeCounter>(m, "SpikeCounter").def("take", &SpikeCounter::take);

  py::class_<TransmissionMonitor>(m, "TransmissionMonitor")
      .def("events", [](const TransmissionMonitor& mon) {
        const TransmissionEvents e = mon.events();
        return py::make_tuple(e.times, e.senders, e.targets, e.weights);
      })
      .def_property_readonly("num_events", &TransmissionMonitor::num_events)
      .def("clear", &TransmissionMonitor::clear);

  py::class_<StateMonitor>(m, "StateMonitor")
      .def_property_readonly("label", &StateMonitor::label)
      .def_property_readonly("variable", &StateMonitor::variable)
      .def_property_readonly("neurons", &StateMonitor::neurons)
      .def_property_readonly("num_samples", &StateMonitor::num_samples)
      .def_property_readonly("capacity", &StateMonitor::capacity)
      .def("values", &StateMonitor::values)
      .def("times", &StateMonitor::times)
      .def("clear", &StateMonitor::clear);
}

}  // namespace python
}  // namespace snn
