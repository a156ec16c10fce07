// python/src/bind_music.cpp — the extension module snn._music (built when MUSIC and MPI are found):
// snn::music::MusicCoupling. The public API is python/snn/music.py.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "snn/music/music_coupling.h"
#include "snn/network.h"
#include "snn/population.h"

namespace py = pybind11;
using snn::music::MusicCoupling;

PYBIND11_MODULE(_music, m) {
  m.doc() = "MUSIC event ports for snn (use snn.music)";
  py::class_<MusicCoupling>(m, "MusicCoupling")
      .def(py::init([](const std::vector<std::string>& argv) {
             return std::make_unique<MusicCoupling>(static_cast<int>(argv.size()), argv);
           }),
           py::arg("argv"))
      .def_property_readonly("argv", &MusicCoupling::argv)
      .def_property_readonly("launched_by_music", &MusicCoupling::launched_by_music)
      .def_property_readonly("rank", &MusicCoupling::rank)
      .def_property_readonly("size", &MusicCoupling::size)
      .def("event_input", &MusicCoupling::event_input, py::arg("net"), py::arg("port"), py::arg("pop"),
           py::arg("latency_ms"), py::keep_alive<1, 2>())
      .def("event_output", &MusicCoupling::event_output, py::arg("net"), py::arg("port"), py::arg("pop"),
           py::keep_alive<1, 2>())
      .def("run", &MusicCoupling::run, py::arg("net"), py::arg("t_ms"), py::call_guard<py::gil_scoped_release>())
      .def("finalize", &MusicCoupling::finalize)
      .def_property_readonly("time_ms", &MusicCoupling::time_ms)
      .def("late_events", &MusicCoupling::late_events)
      .def("event_counts", &MusicCoupling::event_counts);
}
