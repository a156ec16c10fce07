// snn/music/music_coupling.cpp — MUSIC event ports (see the header for the timing).
#include "snn/music/music_coupling.h"

#include <music.hh>

#include <ATen/ATen.h>

#include <cmath>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/monitor.h"
#include "snn/network.h"
#include "snn/population.h"

namespace snn {
namespace music {

namespace {
bool g_coupling_exists = false;  // MUSIC allows one Setup per process
}

// Queues the events of one input port by the step that must emit them.
struct EventInputPort : MUSIC::EventHandlerGlobalIndex {
  std::string name;
  Population* pop = nullptr;
  MUSIC::EventInputPort* port = nullptr;  // owned by MUSIC
  double latency_ms = 0.0;
  double dt = 0.0;
  int64_t next_step = 0;                  // the step about to run (events due before it are late)
  std::map<int64_t, std::vector<int32_t>> due;  // step -> channels
  int64_t received = 0, late = 0;
  at::Tensor buffer;                      // [1, 1, N]: one step's spikes, reused
  at::Tensor host;                        // [1, 1, N] float64 on the CPU: where a step's events are counted
  bool dirty = false;                     // buffer holds the last step's events

  void operator()(double t_s, MUSIC::GlobalIndex id) override {
    // The step that ends on the grid at or after t + latency (a relative tolerance absorbs the
    // rounding of times that were on the grid in ms before MUSIC carried them in seconds).
    const double end = (t_s * 1e3 + latency_ms) / dt;
    int64_t step = static_cast<int64_t>(std::ceil(end - 1e-9 * std::max(1.0, std::abs(end)))) - 1;
    if (step < next_step) {
      ++late;
      step = next_step;
    }
    due[step].push_back(static_cast<int32_t>(static_cast<int>(id)));
    ++received;
  }

  // This step's spikes [1, 1, N] in the network's dtype and device.
  // (No allocation per step: the two buffers are made once; a quiet step after a quiet one costs nothing.)
  at::Tensor take(int64_t step) {
    next_step = step + 1;
    auto it = due.find(step);
    if (it == due.end()) {
      if (dirty) buffer.zero_();
      dirty = false;
      return buffer;
    }
    host.zero_();
    double* h = host.data_ptr<double>();
    for (int32_t i : it->second) h[i] += 1.0;
    due.erase(it);
    buffer.copy_(host);
    dirty = true;
    return buffer;
  }
};

// Sends every spike of a population out through an event port, stamped at the end of its step.
class EventOutputMonitor : public Monitor {
 public:
  EventOutputMonitor(std::string name, Population& pop, MUSIC::EventOutputPort* port)
      : name_(std::move(name)), pop_(&pop), port_(port) {}
  const std::string& name() const { return name_; }
  int64_t sent() const { return sent_; }

  void record(const StepContext& ctx) override {
    const double t_s = static_cast<double>(ctx.step + 1) * ctx.dt * 1e-3;
    at::Tensor spikes = pop_->spikes();
    if (!spikes.is_cpu()) spikes = spikes.cpu();
    const int64_t n = pop_->size();
    dispatch_floating(spikes.scalar_type(), [&](auto tag) {
      using T = decltype(tag);
      const T* s = spikes.data_ptr<T>();
      for (int64_t i = 0; i < n; ++i) {
        for (int64_t c = static_cast<int64_t>(s[i]); c > 0; --c) {  // a count: PoissonInput may repeat
          port_->insertEvent(t_s, MUSIC::GlobalIndex(static_cast<int>(i)));
          ++sent_;
        }
      }
    });
  }

 private:
  std::string name_;
  Population* pop_;
  MUSIC::EventOutputPort* port_;  // owned by MUSIC
  int64_t sent_ = 0;
};

MusicCoupling::MusicCoupling(int argc, const std::vector<std::string>& argv) {
  if (g_coupling_exists) throw_value_error("a MusicCoupling already exists in this process (MUSIC allows one)");
  if (argc != static_cast<int>(argv.size())) throw_value_error("argc must equal len(argv), got ", argc);
  argv_storage_ = argv;
  for (auto& a : argv_storage_) argv_.push_back(a.data());
  argv_.push_back(nullptr);
  argc_ = argc;
  argv_ptr_ = argv_.data();
  setup_ = new MUSIC::Setup(argc_, argv_ptr_);
  g_coupling_exists = true;
}

MusicCoupling::~MusicCoupling() {
  if (!runtime_) delete setup_;  // the runtime took the setup over when it was made
}

std::vector<std::string> MusicCoupling::argv() const {
  std::vector<std::string> out;
  for (int i = 0; i < argc_; ++i) out.emplace_back(argv_ptr_[i]);
  return out;
}

bool MusicCoupling::launched_by_music() const { return std::getenv("_MUSIC_CONFIG_") != nullptr; }

int MusicCoupling::rank() const {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int MusicCoupling::size() const {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

void MusicCoupling::check_open(const char* who) const {
  if (finalized_) throw_value_error(who, ": the MUSIC coupling was finalized");
}

void MusicCoupling::check_network(const Network& net, const char* who) {
  check_open(who);
  if (net_ != nullptr && net_ != &net) throw_value_error(who, ": the coupling belongs to another network");
  if (net.batch_size() != 1)
    throw_value_error(who, ": MUSIC ports carry one network's events; batch_size must be 1, got ", net.batch_size());
}

void MusicCoupling::event_input(Network& net, const std::string& port, Population& pop, double latency_ms) {
  check_network(net, "event_input");
  if (runtime_) throw_value_error("event_input: ports must be published before the first run");
  if (pop.input_kind() != InputKind::Spikes)
    throw_value_error("event_input: population '", pop.name(), "' (", pop.model(), ") does not take spikes; use a SpikeInput");
  if (!(latency_ms >= 0.0) || !std::isfinite(latency_ms))
    throw_value_error("event_input: latency must be a finite number of ms >= 0, got ", latency_ms);
  for (const auto& in : inputs_)
    if (in->pop == &pop) throw_value_error("event_input: population '", pop.name(), "' already takes port '", in->name, "'");
  MUSIC::EventInputPort* p = setup_->publishEventInput(port);
  if (!p->isConnected()) throw_value_error("event_input: MUSIC port '", port, "' is not connected in the MUSIC configuration");
  if (!p->hasWidth() || p->width() != pop.size())
    throw_value_error("event_input: MUSIC port '", port, "' has width ", p->hasWidth() ? p->width() : -1,
                      " but population '", pop.name(), "' has ", pop.size(), " neurons");
  auto in = std::make_unique<EventInputPort>();
  in->name = port;
  in->pop = &pop;
  in->port = p;
  in->latency_ms = latency_ms;
  in->dt = net.dt();
  in->next_step = net.step_count();
  in->buffer = at::zeros({1, 1, pop.size()}, pop.spikes().options());
  in->host = at::zeros({1, 1, pop.size()}, at::TensorOptions().dtype(at::kDouble));
  MUSIC::LinearIndex channels(0, static_cast<int>(pop.size()));
  p->map(&channels, in.get(), latency_ms * 1e-3);
  inputs_.push_back(std::move(in));
  net_ = &net;
}

void MusicCoupling::event_output(Network& net, const std::string& port, Population& pop) {
  check_network(net, "event_output");
  if (runtime_) throw_value_error("event_output: ports must be published before the first run");
  MUSIC::EventOutputPort* p = setup_->publishEventOutput(port);
  if (!p->isConnected()) throw_value_error("event_output: MUSIC port '", port, "' is not connected in the MUSIC configuration");
  if (!p->hasWidth() || p->width() != pop.size())
    throw_value_error("event_output: MUSIC port '", port, "' has width ", p->hasWidth() ? p->width() : -1,
                      " but population '", pop.name(), "' has ", pop.size(), " neurons");
  MUSIC::LinearIndex channels(0, static_cast<int>(pop.size()));
  p->map(&channels, MUSIC::Index::GLOBAL);
  outputs_.push_back(&net.add_monitor<EventOutputMonitor>(
      [&](const MonitorContext&) { return std::make_unique<EventOutputMonitor>(port, pop, p); }));
  net_ = &net;
}

void MusicCoupling::run(Network& net, double t_ms) {
  check_network(net, "run");
  const int64_t n = net.steps_in(t_ms);  // ValueError when off the grid
  if (!runtime_) {
    net_ = &net;
    MUSIC::Setup* setup = setup_;
    runtime_.reset(new MUSIC::Runtime(setup, net.dt() * 1e-3));  // takes the setup over
  }
  InputMap inputs;
  for (int64_t k = 0; k < n; ++k) {
    runtime_->tick();  // MUSIC's clock -> the end of this step; the events due in it have arrived
    const int64_t step = net.step_count();
    for (auto& in : inputs_) inputs[in->pop->name()] = in->take(step);
    net.run_steps(1, inputs);
  }
}

void MusicCoupling::finalize() {
  check_open("finalize");
  if (!runtime_) {
    MUSIC::Setup* setup = setup_;
    runtime_.reset(new MUSIC::Runtime(setup, net_ ? net_->dt() * 1e-3 : 1e-4));
  }
  runtime_->finalize();
  finalized_ = true;
}

double MusicCoupling::time_ms() const { return runtime_ ? runtime_->time() * 1e3 : 0.0; }

std::map<std::string, int64_t> MusicCoupling::late_events() const {
  std::map<std::string, int64_t> out;
  for (const auto& in : inputs_) out[in->name] = in->late;
  return out;
}

std::map<std::string, int64_t> MusicCoupling::event_counts() const {
  std::map<std::string, int64_t> out;
  for (const auto& in : inputs_) out[in->name] = in->received;
  for (const auto* o : outputs_) out[o->name()] = o->sent();
  return out;
}

}  // namespace music
}  // namespace snn
