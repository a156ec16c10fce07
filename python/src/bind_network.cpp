// python/src/bind_network.cpp — Network, Population, Projection, connection specs and the model registry.
#include "bindings.h"
#include "snn/neurons/spike_generator.h"

namespace snn {
namespace python {

namespace {

// C++ objects owned by the network stay alive as long as a Python handle to them exists.
constexpr auto kOwnedByParent = py::return_value_policy::reference_internal;

// A one-neuron instance of a model, to read its parameter and state tables.
std::unique_ptr<Population> prototype(const std::string& model) { return make_population(ModelSpec{model, 1, {}, {}}); }

}  // namespace

void bind_network(py::module_& m) {
  m.def("model_names", &model_names, "Model names and NEST aliases.");
  m.def(
      "model_registry",
      [] {
        py::list out;
        for (const ModelInfo& info : model_registry()) out.append(py::make_tuple(info.name, info.nest_name, info.summary));
        return out;
      },
      "The model table: a list of (name, NEST name or '', summary).");
  m.def(
      "model_params",
      [](const std::string& model) {
        py::list out;
        const auto pop = prototype(model);
        for (const auto& s : pop->params().specs()) {
          out.append(py::make_tuple(s.name, s.value, s.unit, s.doc, s.scope == Scope::PerNeuron));
        }
        return out;
      },
      "Parameters of a model: a list of (name, default, unit, description, may differ per neuron).");
  m.def("model_state", [](const std::string& model) {
    py::list out;
    const auto pop = prototype(model);
    for (const auto& v : pop->state_vars()) out.append(py::make_tuple(v.name, v.unit));
    return out;
  });
  m.def(
      "check_model",
      [](const std::string& model, int64_t n, const py::dict& params, const std::vector<std::vector<double>>& spike_times) {
        make_population(ModelSpec{model, n, to_param_map(model, params), spike_times});
      },
      "Raises what Network.add would raise for this model spec (unknown names, invalid values).");
  m.def("cuda_built", &backend::cuda_built, "Whether this build can run on CUDA.");
  m.def("set_load_adaptive", &backend::set_load_adaptive, py::arg("enabled"));
  m.def("load_adaptive", &backend::load_adaptive);

  py::class_<Init>(m, "Init")
      .def_static("constant", &Init::constant)
      .def_static("uniform", &Init::uniform)
      .def_static("normal", &Init::normal)
      .def_static("lognormal", &Init::lognormal)
      .def_static("exponential", &Init::exponential)
      .def_static("from_tensor", &Init::from)
      .def("clip", [](Init self, double lo, double hi) { return self.clip(lo, hi); });

  py::class_<PlasticitySpec>(m, "PlasticitySpec")
      .def(py::init([](const std::string& rule, const py::dict& params, const std::string& signal) {
             return PlasticitySpec{rule, to_param_map(rule, params), signal};
           }),
           py::arg("rule"), py::arg("params"), py::arg("signal") = "");

  // Connection arguments by name; None (an empty optional) for what is not given.
  py::class_<ConnectSpec>(m, "ConnectSpec")
      .def(py::init<>())
      .def_readwrite("rule", &ConnectSpec::rule)
      .def_readwrite("indegree", &ConnectSpec::indegree)
      .def_readwrite("outdegree", &ConnectSpec::outdegree)
      .def_readwrite("N", &ConnectSpec::N)
      .def_readwrite("p", &ConnectSpec::p)
      .def_readwrite("autapses", &ConnectSpec::autapses)
      .def_readwrite("multapses", &ConnectSpec::multapses)
      .def_readwrite("pre_neurons", &ConnectSpec::pre_neurons)
      .def_readwrite("post_neurons", &ConnectSpec::post_neurons)
      .def_readwrite("weight", &ConnectSpec::weight)
      .def_readwrite("delay", &ConnectSpec::delay)
      .def_readwrite("name", &ConnectSpec::name)
      .def_readwrite("storage", &ConnectSpec::storage)
      .def_readwrite("plasticity", &ConnectSpec::plasticity)
      .def_readwrite("short_term", &ConnectSpec::short_term)
      .def_readwrite("normalize", &ConnectSpec::normalize);

  py::class_<Population>(m, "Population")
      .def_property_readonly("name", &Population::name)
      .def_property_readonly("model", &Population::model)
      .def_property_readonly("size", &Population::size)
      .def_property_readonly("batch_size", &Population::batch_size)
      .def_property_readonly("input_kind", [](const Population& p) { return to_string(p.input_kind()); })
      .def_property_readonly("num_receptors", &Population::num_receptors)
      .def("spike_times",
           [](const Population& p) {
             auto* gen = dynamic_cast<const neurons::SpikeGenerator*>(&p);
             if (!gen) throw ValueError("'" + p.name() + "' (" + p.model() + ") has no spike_times: it is not a SpikeGeneratorInput");
             return gen->spike_times();
           })
      .def("set_spike_times",
           [](Population& p, const std::vector<int64_t>& neurons, const std::vector<std::vector<double>>& times) {
             auto* gen = dynamic_cast<neurons::SpikeGenerator*>(&p);
             if (!gen) throw ValueError("'" + p.name() + "' (" + p.model() + ") has no spike_times: it is not a SpikeGeneratorInput");
             gen->set_spike_times(neurons, times);
           })
      .def_property_readonly("spikes", &Population::spikes)
      .def_property_readonly("global_size", &Population::global_size)
      .def_property_readonly("first", &Population::first)
      .def_property("learning", &Population::learning, &Population::set_learning)
      .def("param_names", [](const Population& p) { return p.params().names(); })
      .def("param_units", [](const Population& p) {
        std::map<std::string, std::string> out;
        for (const auto& s : p.params().specs()) out[s.name] = s.unit;
        return out;
      })
      .def("param", [](const Population& p, const std::string& name) { return param_to_python(p.params(), p.params().id(name, p.owner())); })
      .def("param_uniform", &Population::param_uniform)
      .def("set_param", [](Population& p, const std::string& name, const py::handle& value) {
        p.set_param(name, to_param_value(p.owner(), name, value));
      })
      .def("set_params", [](Population& p, const py::dict& values) { p.set_params(to_param_map(p.owner(), values)); })
      .def("state_names", &Population::state_names)
      .def("state", [](const Population& p, const std::string& name) { return p.state(name); })
      .def("set_state", &Population::set_state);

  py::class_<Projection>(m, "Projection")
      .def_property_readonly("name", &Projection::name)
      .def_property_readonly("rule", &Projection::rule)
      .def_property_readonly("pre", &Projection::pre, kOwnedByParent)
      .def_property_readonly("post", &Projection::post, kOwnedByParent)
      .def_property("weight", &Projection::weight, &Projection::set_weight)
      .def_property_readonly("synapse_count", &Projection::synapse_count)
      .def_property_readonly("num_synapses", &Projection::num_synapses)
      .def_property_readonly("delay", &Projection::delay)
      .def_property_readonly("uniform_delay_steps", &Projection::uniform_delay_steps)
      .def_property_readonly("storage", [](const Projection& p) { return p.sparse() ? "sparse" : "dense"; })
      .def_property_readonly("synapse_bytes", &Projection::synapse_bytes)
      .def_property_readonly("last_delivery", &Projection::last_delivery)
      .def("indices", &Projection::global_indices)
      .def("dense_weight", &Projection::dense_weight)
      .def_property_readonly("plasticity", &Projection::plasticity, kOwnedByParent)
      .def_property_readonly("short_term", &Projection::short_term, kOwnedByParent)
      .def_property("learning", &Projection::learning, &Projection::set_learning)
      .def_property("normalize_target", &Projection::normalize_target, &Projection::set_normalize_target)
      .def("normalize", &Projection::normalize);

  py::class_<Network>(m, "Network")
      .def(py::init([](double dt, int64_t batch_size, const std::string& device, const std::string& dtype, uint64_t seed,
                       bool distributed, const py::object& communicator) {
             // communicator: None (one process) or snn._mpi.communicator(), a capsule holding the MPI one.
             const distributed::Communicator* comm = nullptr;
             if (!communicator.is_none()) {
               comm = static_cast<const distributed::Communicator*>(
                   PyCapsule_GetPointer(communicator.ptr(), distributed::kCommunicatorCapsule));
               if (!comm) throw py::error_already_set();
             }
             return std::make_unique<Network>(NetworkOptions{dt, batch_size, device, dtype, seed, distributed, comm});
           }),
           py::arg("dt"), py::arg("batch_size"), py::arg("device"), py::arg("dtype"), py::arg("seed"),
           py::arg("distributed") = false, py::arg("communicator") = py::none())
      .def_property_readonly("distributed", [](const Network& n) { return n.communicator() != nullptr; })
      .def_property_readonly("exchange_stats", [](const Network& n) {
        const distributed::SpikeExchange* x = n.exchange();
        py::dict d;
        d["interval_steps"] = n.exchange_interval();
        d["exchanges"] = x ? x->exchanges() : 0;
        d["words_sent"] = x ? x->words_sent() : 0;
        d["words_received"] = x ? x->words_received() : 0;
        d["seconds"] = x ? x->seconds() : 0.0;
        return d;
      })
      .def_property_readonly("dt", &Network::dt)
      .def_property_readonly("batch_size", &Network::batch_size)
      .def_property_readonly("device", [](const Network& n) { return n.device().str(); })
      .def_property_readonly("dtype", [](const Network& n) { return n.dtype() == at::kFloat ? "float32" : "float64"; })
      .def_property_readonly("seed", &Network::seed)
      .def_property_readonly("t", &Network::t)
      .def_property_readonly("step_count", &Network::step_count)
      .def(
          "add",
          [](Network& net, const std::string& model, int64_t n, const py::dict& params, const std::string& name,
             const std::vector<std::vector<double>>& spike_times) -> Population& {
            return net.add(ModelSpec{model, n, to_param_map(model, params), spike_times}, name);
          },
          kOwnedByParent)
      .def("population", &Network::population, kOwnedByParent)
      .def("monitor_transmissions", &Network::monitor_transmissions, kOwnedByParent)
      .def("count_spikes", &Network::count_spikes, kOwnedByParent)
      .def("population_names", [](const Network& n) {
        std::vector<std::string> out;
        for (const auto& p : n.populations()) out.push_back(p->name());
        return out;
      })
      .def("connect", py::overload_cast<Population&, Population&, const ConnectSpec&>(&Network::connect), kOwnedByParent)
      .def("num_projections", [](const Network& n) { return n.projections().size(); })
      .def("projection", [](const Network& n, size_t i) -> Projection& { return *n.projections().at(i); }, kOwnedByParent)
      .def(
          "monitor_spikes",
          [](Network& net, Population& pop, int64_t capacity, const std::string& on_full, int64_t staging_steps)
              -> SpikeMonitor& { return net.monitor_spikes(pop, {capacity, parse_on_full(on_full), staging_steps}); },
          kOwnedByParent)
      .def(
          "monitor_state",
          [](Network& net, Population& pop, const std::string& variable, const std::vector<int64_t>& neurons,
             double interval, int64_t capacity, const std::string& on_full) -> StateMonitor& {
            return net.monitor_state(pop, variable, {neurons, interval, capacity, parse_on_full(on_full)});
          },
          kOwnedByParent)
      .def(
          "monitor_projection",
          [](Network& net, Projection& proj, const std::string& variable, const std::vector<int64_t>& columns,
             double interval, int64_t capacity, const std::string& on_full) -> StateMonitor& {
            return net.monitor_projection(proj, variable, {columns, interval, capacity, parse_on_full(on_full)});
          },
          kOwnedByParent)
      .def("neuromodulator", &Network::neuromodulator, kOwnedByParent)
      .def("set_signal", py::overload_cast<const std::string&, const at::Tensor&>(&Network::set_signal))
      .def("set_signal_value", py::overload_cast<const std::string&, double>(&Network::set_signal))
      .def("signal", &Network::signal, kOwnedByParent)
      .def("signal_names", [](const Network& n) {
        std::vector<std::string> out;
        for (const auto& s : n.signals()) out.push_back(s->name());
        return out;
      })
      .def("steps_in", &Network::steps_in)
      .def("check_inputs", &Network::check_inputs)
      .def("run_steps", &Network::run_steps, py::arg("n_steps"), py::arg("inputs"),
           py::call_guard<py::gil_scoped_release>())
      .def("reset_state", &Network::reset_state, py::arg("include_learned") = false)
      .def("set_learning", &Network::set_learning);

  // Checkpoints (snn/checkpoint.h). State dicts cross as lists of (name, tensor) pairs, in order.
  m.def("state_dict", [](const Network& net) {
    py::list out;
    for (auto& [name, t] : state_dict(net)) out.append(py::make_tuple(name, t));
    return out;
  });
  m.def("load_state_dict", [](Network& net, const StateDict& state) { load_state_dict(net, state); });
  m.def("save", &save, py::arg("net"), py::arg("path"), py::arg("metadata"), py::call_guard<py::gil_scoped_release>());
  m.def("load", [](const std::string& path, const std::string& device) {
    StateDict metadata;
    std::unique_ptr<Network> net;
    {
      py::gil_scoped_release release;
      net = load(path, device, &metadata);
    }
    return py::make_tuple(std::move(net), metadata);
  });
  m.def("encode_checkpoint", [](const StateDict& entries) { return py::bytes(encode_checkpoint(entries)); });
  m.def("decode_checkpoint", [](const py::bytes& data) {
    const std::string bytes = data;
    py::list out;
    for (auto& [name, t] : decode_checkpoint(bytes.data(), bytes.size())) out.append(py::make_tuple(name, t));
    return out;
  });
  m.def("checkpoint_version", [] { return kCheckpointVersion; });
}

}  // namespace python
}  // namespace snn
