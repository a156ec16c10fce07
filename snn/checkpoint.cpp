// snn/checkpoint.cpp — state dicts, saving, and rebuilding a saved network (the file format: checkpoint_file.cpp).
#include "snn/checkpoint.h"

#include <fstream>
#include <map>
#include <set>

#include "snn/errors.h"
#include "snn/network.h"
#include "snn/state_visitor.h"

namespace snn {

namespace {

// ---- visitors -----------------------------------------------------------------------------------

class SaveVisitor : public StateVisitor {
 public:
  bool applying() const override { return false; }
  void tensor(const std::string& name, at::Tensor& t) override { add(name, t); }
  void free_tensor(const std::string& name, at::Tensor& t, const at::Device&, at::IntArrayRef, at::ScalarType) override {
    if (t.defined()) add(name, t);
  }
  const at::Tensor* peek(const std::string&) const override { return nullptr; }
  const at::Tensor* peek_root(const std::string&) const override { return nullptr; }
  void structure(const std::string& name, const at::Tensor& t) override { add(name, t); }
  void params(const std::string& name, const ParamTable& table, const std::function<void(const ParamMap&, bool)>&) override {
    const auto f64 = at::TensorOptions().dtype(at::kDouble);
    for (const ParamSpec& spec : table.specs()) {
      const ParamId id = table.id(spec.name);
      at::Tensor t = table.uniform(id) ? at::scalar_tensor(table.value(id), f64) : at::tensor(table.values(id), f64);
      out.emplace_back(full_name(name + "." + spec.name), t);
    }
  }
  StateDict out;

 private:
  void add(const std::string& name, const at::Tensor& t) { out.emplace_back(full_name(name), t.detach().clone()); }
};

class LoadVisitor : public StateVisitor {
 public:
  explicit LoadVisitor(const StateDict& state) {
    for (const auto& [name, t] : state) {
      if (!t.defined()) throw_value_error("state_dict['", name, "'] is not a tensor");
      if (!entries_.emplace(name, t).second) throw_value_error("state_dict has '", name, "' twice");
    }
  }
  bool apply = false;
  bool applying() const override { return apply; }

  void tensor(const std::string& name, at::Tensor& t) override {
    const std::string key = full_name(name);
    const at::Tensor& s = find(key);
    if (s.scalar_type() != t.scalar_type()) {
      throw_type_error("state_dict['", key, "'] has dtype ", s.scalar_type(), "; the network holds ", t.scalar_type());
    }
    if (s.sizes() != t.sizes()) throw_value_error("state_dict['", key, "'] has shape ", s.sizes(), "; the network holds ", t.sizes());
    if (apply) t.copy_(s);
  }
  void free_tensor(const std::string& name, at::Tensor& t, const at::Device& device, at::IntArrayRef shape,
                   at::ScalarType dtype) override {
    const std::string key = full_name(name);
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      if (apply) t = at::Tensor();
      return;
    }
    used_.insert(key);
    const at::Tensor& s = it->second;
    if (dtype != at::ScalarType::Undefined && s.scalar_type() != dtype) {
      throw_type_error("state_dict['", key, "'] has dtype ", s.scalar_type(), "; the network holds ", dtype);
    }
    if (!shape.empty() && s.sizes() != shape) throw_value_error("state_dict['", key, "'] has shape ", s.sizes(), "; expected ", shape);
    if (apply) t = s.to(device).clone();  // the network owns its memory
  }
  const at::Tensor* peek(const std::string& name) const override { return peek_root(full_name(name)); }
  const at::Tensor* peek_root(const std::string& name) const override {
    auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }
  void structure(const std::string& name, const at::Tensor& t) override {
    const std::string key = full_name(name);
    const at::Tensor& s = find(key);
    if (s.scalar_type() != t.scalar_type() || s.sizes() != t.sizes() || !at::equal(s.to(t.device()), t)) {
      throw_value_error("state_dict['", key, "'] describes other connectivity than this network's: build the network ",
                        "with the same script and seed, or rebuild the saved one with snn.load()");
    }
  }
  void params(const std::string& name, const ParamTable& table, const std::function<void(const ParamMap&, bool)>& set) override {
    ParamMap values;
    for (const ParamSpec& spec : table.specs()) {
      const std::string key = full_name(name + "." + spec.name);
      const at::Tensor& s = find(key);
      if (!at::isFloatingType(s.scalar_type()) && !at::isIntegralType(s.scalar_type(), true)) {
        throw_type_error("state_dict['", key, "'] has dtype ", s.scalar_type(), "; a parameter is a number");
      }
      if (s.dim() == 0) {
        values.emplace(spec.name, ParamValue(s.item<double>()));
      } else if (s.dim() == 1 && s.size(0) == table.elements()) {
        values.emplace(spec.name, ParamValue(s));
      } else {
        throw_value_error("state_dict['", key, "'] has shape ", s.sizes(), "; a parameter is a number or one per neuron [",
                          table.elements(), "]");
      }
    }
    set(values, apply);
  }

  // Names nothing asked for: the state dict is of another network.
  std::vector<std::string> unused() const {
    std::vector<std::string> out;
    for (const auto& [name, t] : entries_) {
      if (!used_.count(name)) out.push_back(name);
    }
    return out;
  }

 private:
  const at::Tensor& find(const std::string& key) {
    auto it = entries_.find(key);
    if (it == entries_.end()) throw_value_error("state_dict lacks '", key, "' (it is of another network, or incomplete)");
    used_.insert(key);
    return it->second;
  }
  std::map<std::string, at::Tensor> entries_;
  std::set<std::string> used_;
};

// ---- structure ----------------------------------------------------------------------------------

at::Tensor text(const std::string& s) {
  return at::from_blob(const_cast<char*>(s.data()), {static_cast<int64_t>(s.size())}, at::kByte).clone();
}

// Entries of a decoded checkpoint, read with errors that name what is missing or wrong.
class Entries {
 public:
  explicit Entries(const StateDict& all) {
    for (const auto& [name, t] : all) map_.emplace(name, t);
  }
  const at::Tensor& get(const std::string& key) const {
    auto it = map_.find(key);
    if (it == map_.end()) throw_value_error("checkpoint lacks '", key, "'");
    return it->second;
  }
  bool has(const std::string& key) const { return map_.count(key) > 0; }
  std::string str(const std::string& key) const {
    const at::Tensor& t = get(key);
    if (t.scalar_type() != at::kByte || t.dim() != 1) throw_value_error("checkpoint's '", key, "' is not text");
    return std::string(reinterpret_cast<const char*>(t.data_ptr<uint8_t>()), static_cast<size_t>(t.numel()));
  }
  int64_t i64(const std::string& key) const {
    const at::Tensor& t = get(key);
    if (t.scalar_type() != at::kLong || t.dim() != 0) throw_value_error("checkpoint's '", key, "' is not an integer");
    return t.item<int64_t>();
  }
  double f64(const std::string& key) const {
    const at::Tensor& t = get(key);
    if (t.scalar_type() != at::kDouble || t.dim() != 0) throw_value_error("checkpoint's '", key, "' is not a number");
    return t.item<double>();
  }
  // A tensor of `dtype` and `dims` dimensions.
  const at::Tensor& array(const std::string& key, at::ScalarType dtype, int64_t dims) const {
    const at::Tensor& t = get(key);
    if (t.scalar_type() != dtype || t.dim() != dims) {
      throw_value_error("checkpoint's '", key, "' has dtype ", t.scalar_type(), " and ", t.dim(), " dimensions; expected ", dtype,
                        " and ", dims);
    }
    return t;
  }
  // The saved parameters under `prefix` ("<owner>.params.").
  ParamMap params(const std::string& prefix) const {
    ParamMap out;
    for (auto it = map_.lower_bound(prefix); it != map_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      const at::Tensor& t = it->second;
      if (t.scalar_type() != at::kDouble || t.dim() > 1) throw_value_error("checkpoint's '", it->first, "' is not a parameter");
      out.emplace(it->first.substr(prefix.size()), t.dim() == 0 ? ParamValue(t.item<double>()) : ParamValue(t));
    }
    return out;
  }

 private:
  std::map<std::string, at::Tensor> map_;
};

const std::string kStructure = "structure.";
const std::string kMetadata = "metadata.";

}  // namespace

// Network internals that saving and rebuilding need.
struct CheckpointAccess {
  static void visit(Network& net, StateVisitor& v) { net.visit(v); }
  static std::vector<std::unique_ptr<Neuromodulator>>& signals(Network& net) { return net.signals_; }
  static Projection& connect_built(Network& net, Population& pre, Population& post, const ConnectSpec& spec,
                                   const std::function<std::unique_ptr<Projection>(uint32_t)>& build) {
    return net.connect_built(pre, post, spec, build);
  }
  static const std::vector<Neuromodulator::Source>& sources(const Neuromodulator& s) { return s.sources_; }
  static void add_source(Neuromodulator& s, Population& pop, int64_t delay) { s.add_source(pop, delay, 0); }
};

StateDict state_dict(const Network& net) {
  if (net.communicator()) throw_value_error("checkpoints of distributed networks are not supported yet (docs/distributed.md)");
  SaveVisitor v;
  CheckpointAccess::visit(const_cast<Network&>(net), v);  // the save pass only reads
  return std::move(v.out);
}

void load_state_dict(Network& net, const StateDict& state) {
  if (net.communicator()) throw_value_error("checkpoints of distributed networks are not supported yet (docs/distributed.md)");
  LoadVisitor v(state);
  CheckpointAccess::visit(net, v);  // check pass: throws before anything changes
  const std::vector<std::string> extra = v.unused();
  if (!extra.empty()) {
    throw_value_error("state_dict has entries this network lacks (it is of another network): ",
                      join(std::vector<std::string>(extra.begin(), extra.begin() + std::min<size_t>(extra.size(), 8))),
                      extra.size() > 8 ? cat(" and ", extra.size() - 8, " more") : "");
  }
  v.apply = true;
  CheckpointAccess::visit(net, v);
}

namespace {

StateDict structure_of(const Network& net) {
  if (net.communicator()) throw_value_error("checkpoints of distributed networks are not supported yet (docs/distributed.md)");
  StateDict s;
  auto put = [&](const std::string& key, const at::Tensor& t) { s.emplace_back(kStructure + key, t); };
  auto integer = [](int64_t v) { return at::scalar_tensor(v, at::TensorOptions().dtype(at::kLong)).fill_(v); };
  put("network.dt", at::scalar_tensor(net.dt(), at::TensorOptions().dtype(at::kDouble)));
  put("network.batch_size", integer(net.batch_size()));
  put("network.dtype", text(net.dtype() == at::kFloat ? "float32" : "float64"));
  put("network.seed", integer(static_cast<int64_t>(net.seed())));
  put("network.device", text(net.device().str()));
  std::map<const Population*, int64_t> index;
  put("populations.count", integer(static_cast<int64_t>(net.populations().size())));
  for (size_t i = 0; i < net.populations().size(); ++i) {
    const Population& pop = *net.populations()[i];
    index[&pop] = static_cast<int64_t>(i);
    const std::string p = cat("populations.", i, ".");
    put(p + "name", text(pop.name()));
    put(p + "model", text(pop.model()));
    put(p + "n", integer(pop.size()));
  }
  put("signals.count", integer(static_cast<int64_t>(net.signals().size())));
  for (size_t k = 0; k < net.signals().size(); ++k) {
    const Neuromodulator& sig = *net.signals()[k];
    const std::string p = cat("signals.", k, ".");
    put(p + "name", text(sig.name()));
    put(p + "kind", integer(sig.kind() == SignalKind::Events ? 1 : 2));
    std::vector<int64_t> pops, delays;
    for (const auto& src : CheckpointAccess::sources(sig)) {
      pops.push_back(index.at(src.pop));
      delays.push_back(src.delay);
    }
    put(p + "source_populations", at::tensor(pops, at::TensorOptions().dtype(at::kLong)).reshape({-1}));
    put(p + "source_delays", at::tensor(delays, at::TensorOptions().dtype(at::kLong)).reshape({-1}));
  }
  put("projections.count", integer(static_cast<int64_t>(net.projections().size())));
  for (size_t j = 0; j < net.projections().size(); ++j) {
    const Projection& proj = *net.projections()[j];
    const std::string p = cat("projections.", j, ".");
    put(p + "name", text(proj.name()));
    put(p + "pre", integer(index.at(&proj.pre())));
    put(p + "post", integer(index.at(&proj.post())));
    put(p + "rule", text(proj.rule()));
    put(p + "sparse", integer(proj.sparse() ? 1 : 0));
    put(p + "uniform_delay", integer(proj.uniform_delay_steps()));
    if (proj.plasticity()) {
      put(p + "plasticity", text(proj.plasticity()->rule()));
      put(p + "signal", text(proj.plasticity()->signal()));
    }
    put(p + "short_term", integer(proj.short_term() ? 1 : 0));
  }
  return s;
}

}  // namespace

void save(const Network& net, const std::string& path, const StateDict& metadata) {
  StateDict entries = structure_of(net);
  for (auto& e : state_dict(net)) entries.push_back(std::move(e));
  for (const auto& [name, t] : metadata) {
    if (!t.defined()) throw_value_error("save: metadata '", name, "' is not a tensor");
    entries.emplace_back(kMetadata + name, t.detach());
  }
  const std::string partial = path + ".partial";
  {
    std::ofstream os(partial, std::ios::binary | std::ios::trunc);
    if (!os) throw_value_error("save: cannot write '", partial, "'");
    write_checkpoint(os, entries);
    os.flush();
    if (!os) throw_value_error("save: writing '", partial, "' failed (disk full?)");
  }
  if (std::rename(partial.c_str(), path.c_str()) != 0) throw_value_error("save: cannot rename '", partial, "' to '", path, "'");
}

std::unique_ptr<Network> load(const std::string& path, const std::string& device, StateDict* metadata) {
  std::ifstream is(path, std::ios::binary);
  if (!is) throw_value_error("load: cannot read '", path, "'");
  std::string bytes((std::istreambuf_iterator<char>(is)), std::istreambuf_iterator<char>());
  try {
    return restore(decode_checkpoint(bytes.data(), bytes.size()), device, metadata);
  } catch (const ValueError& e) {
    throw ValueError(cat("load('", path, "'): ", e.what()));
  }
}

std::unique_ptr<Network> restore(const StateDict& all, const std::string& device, StateDict* metadata) {
  const Entries e(all);
  StateDict state;
  auto starts = [](const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; };
  for (const auto& entry : all) {
    if (starts(entry.first, kMetadata)) {
      if (metadata) metadata->emplace_back(entry.first.substr(kMetadata.size()), entry.second);
    } else if (!starts(entry.first, kStructure)) {
      state.push_back(entry);
    }
  }
  const std::string S = kStructure;
  NetworkOptions options;
  options.dt = e.f64(S + "network.dt");
  options.batch_size = e.i64(S + "network.batch_size");
  options.dtype = e.str(S + "network.dtype");
  options.seed = static_cast<uint64_t>(e.i64(S + "network.seed"));
  options.device = device.empty() ? e.str(S + "network.device") : device;
  auto net = std::make_unique<Network>(options);
  const int64_t B = net->batch_size();

  // Sizes come from tensors stored in the file, so a damaged structure cannot allocate more than the
  // file holds.
  const int64_t n_pops = e.i64(S + "populations.count");
  if (n_pops < 0 || static_cast<size_t>(n_pops) > all.size()) throw_value_error("checkpoint lists ", n_pops, " populations");
  std::vector<Population*> pops;
  for (int64_t i = 0; i < n_pops; ++i) {
    const std::string p = cat(S, "populations.", i, ".");
    const std::string name = e.str(p + "name");
    const int64_t n = e.i64(p + "n");
    const std::string key = "populations." + name + ".";
    const at::Tensor& spikes = e.get(key + "spikes");
    if (spikes.dim() != 2 || spikes.size(0) != B || spikes.size(1) != n) {
      throw_value_error("checkpoint's population '", name, "' has ", n, " neurons, but its spikes have shape ", spikes.sizes());
    }
    pops.push_back(&net->add(ModelSpec{e.str(p + "model"), n, e.params(key + "params."), {}}, name));
  }
  auto population = [&](const std::string& key) -> Population& {
    const int64_t i = e.i64(key);
    if (i < 0 || i >= n_pops) throw_value_error("checkpoint's '", key, "' names population ", i, " of ", n_pops);
    return *pops[static_cast<size_t>(i)];
  };

  const int64_t n_signals = e.i64(S + "signals.count");
  if (n_signals < 0 || static_cast<size_t>(n_signals) > all.size()) throw_value_error("checkpoint lists ", n_signals, " signals");
  for (int64_t k = 0; k < n_signals; ++k) {
    const std::string p = cat(S, "signals.", k, ".");
    const std::string name = e.str(p + "name");
    const int64_t kind = e.i64(p + "kind");
    if (kind != 1 && kind != 2) throw_value_error("checkpoint's signal '", name, "' has kind ", kind);
    const at::Tensor& in_flight = e.array("signals." + name + ".in_flight", net->dtype(), 2);
    const at::Tensor& sources = e.array(p + "source_populations", at::kLong, 1);
    const at::Tensor& delays = e.array(p + "source_delays", at::kLong, 1);
    if (sources.numel() != delays.numel()) throw_value_error("checkpoint's signal '", name, "' has unmatched sources and delays");
    auto& signals = CheckpointAccess::signals(*net);
    signals.push_back(std::make_unique<Neuromodulator>(name, kind == 1 ? SignalKind::Events : SignalKind::Level, B,
                                                       at::TensorOptions().dtype(net->dtype()).device(net->device())));
    for (int64_t s = 0; s < sources.numel(); ++s) {
      const int64_t src = sources[s].item<int64_t>(), d = delays[s].item<int64_t>();
      if (src < 0 || src >= n_pops || d < 1 || d > in_flight.size(0)) {
        throw_value_error("checkpoint's signal '", name, "' has a source ", src, " with delay ", d, " steps");
      }
      CheckpointAccess::add_source(*signals.back(), *pops[static_cast<size_t>(src)], d);
    }
  }

  const int64_t n_projs = e.i64(S + "projections.count");
  if (n_projs < 0 || static_cast<size_t>(n_projs) > all.size()) throw_value_error("checkpoint lists ", n_projs, " projections");
  std::map<std::string, int> seen;
  for (int64_t j = 0; j < n_projs; ++j) {
    const std::string p = cat(S, "projections.", j, ".");
    ConnectSpec spec;
    spec.name = e.str(p + "name");
    spec.rule = e.str(p + "rule");
    const int k = seen[spec.name]++;
    const std::string key = "projections." + spec.name + (k ? cat("#", k) : std::string()) + ".";
    if (e.has(p + "plasticity")) {
      spec.plasticity = PlasticitySpec{e.str(p + "plasticity"), e.params(key + "plasticity.params."), e.str(p + "signal")};
    }
    if (e.i64(p + "short_term")) spec.short_term = ShortTermSpec{e.params(key + "short_term.params.")};
    Population& pre = population(p + "pre");
    Population& post = population(p + "post");
    const bool sparse = e.i64(p + "sparse") != 0;
    const at::Tensor& weight = e.array(key + "weight", net->dtype(), sparse ? 1 : 2);
    const at::Tensor& links = sparse ? e.array(key + "row_ptr", at::kLong, 1) : e.array(key + "count", net->dtype(), 2);
    const at::Tensor post_index = sparse ? e.array(key + "post_index", at::kInt, 1) : at::Tensor();
    const at::Tensor delays = e.has(key + "delay_steps") ? e.array(key + "delay_steps", at::kInt, sparse ? 1 : 2) : at::Tensor();
    // The target's input ring (saved) bounds the delays: it is as deep as the longest one.
    const at::Tensor& ring = e.array("populations." + post.name() + ".input_ring", net->dtype(), 4);
    const int64_t uniform = e.i64(p + "uniform_delay");
    const int64_t longest = delays.defined() && delays.numel() ? delays.max().item<int64_t>() : uniform;
    if (longest > ring.size(1)) {
      throw_value_error("checkpoint's projection '", spec.name, "' has delays up to ", longest, " steps, more than its target's input ring holds");
    }
    CheckpointAccess::connect_built(*net, pre, post, spec, [&](uint32_t stream) {
      return ProjectionBuilder::restore(pre, post, spec.rule, sparse, weight, links, post_index, delays, uniform, net->dt(), stream);
    });
  }
  try {
    load_state_dict(*net, state);
  } catch (const ValueError& err) {
    throw ValueError(cat("checkpoint does not match the network it describes: ", err.what()));
  }
  return net;
}

std::unique_ptr<Projection> ProjectionBuilder::restore(Population& pre, Population& post, const std::string& rule, bool sparse,
                                                      const at::Tensor& weight, const at::Tensor& links,
                                                      const at::Tensor& post_index, const at::Tensor& delay_steps,
                                                      int64_t uniform_delay, double dt, uint32_t stream) {
  const int64_t n_pre = pre.size(), n_post = post.size();
  const at::TensorOptions& opts = post.options();
  auto bad = [&](const char* what) { throw_value_error("checkpoint's projection ", pre.name(), " -> ", post.name(), ": ", what); };
  auto p = start(pre, post, rule, dt, stream);
  if (!sparse) {
    if (weight.sizes() != at::IntArrayRef{n_pre, n_post} || links.sizes() != weight.sizes()) bad("weights and counts are not [N_pre, N_post]");
    // Counts are whole numbers of synapses per pair, below 2^31 (as the connection rules make them).
    const at::Tensor counts = links.to(at::kDouble);
    if (links.numel() && !(counts.isfinite().all().item<bool>() && counts.min().item<double>() >= 0 &&
                           counts.max().item<double>() < 2147483648.0 && at::equal(counts, counts.round()))) {
      bad("a synapse count is not a whole number in [0, 2^31)");
    }
    p->storage_ = Projection::Storage::Dense;
    p->num_synapses_ = static_cast<int64_t>(counts.sum().item<double>());
    p->count_ = links.to(opts).clone();
  } else {
    const int64_t S = post_index.numel();
    if (links.numel() != n_pre + 1 || weight.numel() != S) bad("row_ptr, post_index and weight do not fit together");
    const at::Tensor rows = links.cpu();
    const int64_t* r = rows.data_ptr<int64_t>();
    if (r[0] != 0 || r[n_pre] != S) bad("row_ptr does not run from 0 to the number of synapses");
    const at::Tensor cols = post_index.cpu();
    const int32_t* c = cols.data_ptr<int32_t>();
    for (int64_t i = 0; i < n_pre; ++i) {
      if (r[i + 1] < r[i]) bad("row_ptr decreases");
      for (int64_t s = r[i]; s < r[i + 1]; ++s) {
        if (c[s] < 0 || c[s] >= n_post || (s > r[i] && c[s] < c[s - 1])) bad("post_index is out of range or unsorted within a row");
      }
    }
    p->storage_ = Projection::Storage::Sparse;
    p->num_synapses_ = S;
    p->row_ptr_ = links.to(opts.dtype(at::kLong)).clone();
    p->post_index_ = post_index.to(opts.dtype(at::kInt)).clone();
  }
  p->weight_ = weight.to(opts).clone();
  if (delay_steps.defined()) {
    if (delay_steps.sizes() != weight.sizes()) bad("delay_steps does not match the weights");
    const at::Tensor present = sparse ? at::ones_like(delay_steps, at::kBool) : p->count_.cpu() > 0;
    if (p->num_synapses_ && (delay_steps.cpu().masked_select(present) < 1).any().item<bool>()) bad("a delay is below one step");
    p->delay_steps_ = delay_steps.to(opts.dtype(at::kInt)).clone();
    p->max_delay_ = std::max<int64_t>(1, delay_steps.max().item<int64_t>());
    p->min_delay_ = p->num_synapses_ ? std::max<int64_t>(1, delay_steps.cpu().masked_select(present).min().item<int64_t>()) : 1;
    p->uniform_delay_ = -1;
  } else {
    if (uniform_delay < 1) bad("its delay is below one step");
    p->min_delay_ = p->max_delay_ = p->uniform_delay_ = uniform_delay;
  }
  return p;
}

}  // namespace snn
