// snn/checkpoint.h — a whole network saved and restored, so that a run stopped at any step continues
// bitwise as if it had not stopped.
//
// state_dict(net) lists every value that changes while a network runs or is set after it is built:
// parameters (per neuron too), state tensors, spikes of the last step, input in flight (the ring
// buffers of populations and signals), weights, the rules' and short-term plasticity's state and hidden
// state (lazy clocks, spike histories), Poisson budgets, spike-generator schedules, learning switches
// and the step count. Random draws are keyed by (seed, stream, step), so the step count is the random
// streams' position. Connectivity is listed too, as structure: load_state_dict() requires it to match.
//
// save(net, path) writes the structure (options, populations, signals, projections) and the state
// dict; load(path) rebuilds the network from it without running the connection rules. The format
// (docs/engine.md, "Checkpoints"): a magic, a format version, the payload's length, the entries, and a
// 64-bit FNV-1a checksum of the payload. A truncated, corrupted or newer file is refused with a
// ValueError; nothing is built from it.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace snn {

class Network;

// Named tensors in a fixed order (torch's state_dict).
using StateDict = std::vector<std::pair<std::string, at::Tensor>>;

// The version this snn writes; it reads this one and older ones.
constexpr uint32_t kCheckpointVersion = 1;

// Copies of the network's state, on its device.
StateDict state_dict(const Network& net);
// Loads a state dict into a network built the same way (same script and seed: connectivity must be
// equal). Every name must be present and no other; dtypes and shapes must match. Checked before
// anything changes: a failed load leaves the network unchanged.
void load_state_dict(Network& net, const StateDict& state);

// Writes the network to `path` (through a temporary file, renamed when complete). `metadata`: the
// caller's own entries (a training script's epoch, labels), stored under "metadata." and given back by load().
void save(const Network& net, const std::string& path, const StateDict& metadata = {});
// Rebuilds a saved network on `device` ("" : the device it was saved from); `metadata`, when given,
// receives the entries saved with it (names without the "metadata." prefix).
std::unique_ptr<Network> load(const std::string& path, const std::string& device = "", StateDict* metadata = nullptr);

// The file format, for tests and the fuzz harness: encode() gives a file's bytes, decode() parses
// them (ValueError naming what is wrong for anything malformed).
std::string encode_checkpoint(const StateDict& entries);
void write_checkpoint(std::ostream& os, const StateDict& entries);  // the same, into a stream
StateDict decode_checkpoint(const void* data, size_t size);
// Rebuilds a network from decoded entries (what load() does after reading the file).
std::unique_ptr<Network> restore(const StateDict& entries, const std::string& device = "", StateDict* metadata = nullptr);

}  // namespace snn
