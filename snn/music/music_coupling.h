// snn/music/music_coupling.h — MUSIC event ports on populations: snn as one application of a MUSIC
// (Multi-Simulation Coordinator, Djurfeldt et al. 2010) setup, where SPORE's users put NEST.
//
// One MusicCoupling per process (MUSIC allows one Setup): it publishes the ports, then run() advances
// the network and MUSIC's clock together, one tick per network step (MUSIC timestep = dt):
//   per step s (ending at t = (s + 1) dt):  tick (events up to t arrive)  ->  network step  ->
//                                           every spike of an output population goes out stamped t
// Event input: an event of channel i stamped t_e [s] is emitted by the input population's neuron i (a
// SpikeInput) in the step that ends on the grid at or after t_e + latency; MUSIC delivers it by then
// because the port maps with acceptable latency = `latency`. With latency 0 a spike crosses the link
// with no delay of its own: a source spike at t reaches the receiver's targets at t + d, as a local
// connection with delay d would. Output: NEST's stamping (a spike at the end of its step).
// Units: ms in snn, s in MUSIC. Batch size 1 (a port carries one network's events).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace MUSIC {
class Setup;
class Runtime;
}  // namespace MUSIC

namespace snn {
class Network;
class Population;

namespace music {

struct EventInputPort;
class EventOutputMonitor;

class MusicCoupling {
 public:
  // MUSIC::Setup from the process's command line (the launcher `music` passes its configuration
  // through the environment); initialises MPI. Throws when a coupling already exists in this process.
  MusicCoupling(int argc, const std::vector<std::string>& argv);
  ~MusicCoupling();
  MusicCoupling(const MusicCoupling&) = delete;
  MusicCoupling& operator=(const MusicCoupling&) = delete;

  // The command line after MUSIC's setup: under the launcher, the binary followed by the `args` of its
  // application in the configuration (the launcher itself passes only the configuration file).
  std::vector<std::string> argv() const;
  // Whether the process runs under the `music` launcher (otherwise ports are never connected).
  bool launched_by_music() const;
  // MPI rank within this application, and the application's processes.
  int rank() const;
  int size() const;

  // Publishes event input port `port` feeding `pop` (a SpikeInput of `net`): channel i -> neuron i;
  // the port's width (from the configuration) must equal pop's size. latency [ms] >= 0.
  void event_input(Network& net, const std::string& port, Population& pop, double latency_ms);
  // Publishes event output port `port`: neuron i's spikes go out on channel i (width = pop's size).
  void event_output(Network& net, const std::string& port, Population& pop);

  // Runs `net` for t_ms (a whole number of steps), ticking MUSIC once per step. The first run
  // starts MUSIC's runtime (no ports after that); every run must use the same network.
  void run(Network& net, double t_ms);
  // Ends the MUSIC run (MUSIC's stoptime must have been reached by then); nothing runs afterwards.
  void finalize();

  // MUSIC's clock [ms] (0 before the first run).
  double time_ms() const;
  // Events that arrived after the step they were due in (MUSIC's guarantee broken, e.g. by a sender
  // stamping events in the past): emitted in the next step and counted here per input port.
  std::map<std::string, int64_t> late_events() const;
  // Events received and sent so far, per port.
  std::map<std::string, int64_t> event_counts() const;

 private:
  void check_network(const Network& net, const char* who);
  void check_open(const char* who) const;

  MUSIC::Setup* setup_ = nullptr;       // owned; MUSIC deletes it when the runtime is made
  std::unique_ptr<MUSIC::Runtime> runtime_;
  const Network* net_ = nullptr;        // every port and run use this network
  std::vector<std::unique_ptr<EventInputPort>> inputs_;
  std::vector<EventOutputMonitor*> outputs_;  // owned by the network's monitor list
  std::vector<std::string> argv_storage_;
  std::vector<char*> argv_;
  int argc_ = 0;
  char** argv_ptr_ = nullptr;
  bool finalized_ = false;
};

}  // namespace music
}  // namespace snn
