// snn/connectivity.cpp — projections built from a connection rule (snn/connection_rules.h): the
// weights and delays of its synapses, and their dense or sparse storage.
//
// Synapse s draws its weight and delay with index s, so dense and sparse storage of one rule hold the
// same synapses with the same values. Both are written straight into the projection's tensors on the
// host, in the network's dtype, without a delay array when the delay is a constant: sparse storage in
// a few parallel passes (draw, count per row, fill, sort rows), never materialising N_pre x N_post.
#include <sys/mman.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "snn/backend.h"
#include "snn/connection_rules.h"
#include "snn/errors.h"
#include "snn/kernels/philox_math.h"
#include "snn/population.h"
#include "snn/projection.h"
#include "snn/time_grid.h"

namespace snn {

namespace {

using rules::Enumerator;
using rules::parallel_rows;

const char* kind_name(Init::Kind k) {
  switch (k) {
    case Init::Kind::Constant: return "constant";
    case Init::Kind::Uniform: return "uniform";
    case Init::Kind::Normal: return "normal";
    case Init::Kind::LogNormal: return "lognormal";
    case Init::Kind::Exponential: return "exponential";
    case Init::Kind::Tensor: return "tensor";
  }
  return "?";
}

void check_init(const Init& init, const char* what) {
  if (!(init.min <= init.max)) throw_value_error(what, ": clip min must be <= max, got min ", init.min, " and max ", init.max);
  switch (init.kind) {
    case Init::Kind::Constant:
      if (!std::isfinite(init.a)) throw_value_error(what, " must be finite, got ", init.a);
      break;
    case Init::Kind::Uniform:
      if (!(init.a < init.b) || !std::isfinite(init.a) || !std::isfinite(init.b)) {
        throw_value_error(what, ": uniform(low, high) needs finite low < high, got low ", init.a, " and high ", init.b);
      }
      break;
    case Init::Kind::Normal:
    case Init::Kind::LogNormal:
      if (!std::isfinite(init.a) || !(init.b >= 0) || !std::isfinite(init.b)) {
        throw_value_error(what, ": ", kind_name(init.kind), " needs a finite location and a finite scale >= 0, got ",
                          init.a, " and ", init.b);
      }
      break;
    case Init::Kind::Exponential:
      if (!(init.a > 0) || !std::isfinite(init.a)) throw_value_error(what, ": exponential needs a finite scale > 0, got ", init.a);
      break;
    case Init::Kind::Tensor:
      if (!init.tensor.defined()) throw_value_error(what, ": got an undefined tensor");
      if (!at::isFloatingType(init.tensor.scalar_type()) && !at::isIntegralType(init.tensor.scalar_type(), false)) {
        throw_type_error(what, ": expected a real tensor, got ", init.tensor.scalar_type());
      }
      break;
  }
}

// Values of one Init for the synapses of a projection.
class Values {
 public:
  Values(const Init& init, const char* what, int64_t n_pre, int64_t n_post, int64_t n_listed, uint64_t seed,
         uint32_t stream)
      : init_(init), what_(what), n_post_(n_post), seed_(seed), stream_(stream) {
    if (init.kind != Init::Kind::Tensor) return;
    const at::Tensor& t = init.tensor;
    if (t.dim() == 2 && t.size(0) == n_pre && t.size(1) == n_post) {
      by_index_ = false;
    } else if (t.dim() == 1 && n_listed >= 0 && t.size(0) == n_listed) {
      by_index_ = true;
    } else {
      throw_value_error(what, " tensor has shape ", t.sizes(), "; expected [", n_pre, ", ", n_post, "]",
                        n_listed >= 0 ? cat(" or [", n_listed, "] (one value per synapse)") : std::string());
    }
    host_ = t.detach().to(at::kCPU, at::kDouble).contiguous();
    if (!host_.isfinite().all().item<bool>()) throw_value_error(what, " tensor has values that are not finite");
    data_ = host_.data_ptr<double>();
  }

  bool constant() const { return init_.kind == Init::Kind::Constant; }
  bool drawn() const { return init_.kind != Init::Kind::Constant && init_.kind != Init::Kind::Tensor; }

  double operator()(int64_t s, int64_t i, int64_t j) const {
    switch (init_.kind) {
      case Init::Kind::Constant: return init_.a;
      case Init::Kind::Tensor: return by_index_ ? data_[s] : data_[i * n_post_ + j];
      default: break;
    }
    for (uint32_t draw = 0; draw < 1000; ++draw) {
      const double v = value_of(kernels::random_words(seed_, stream_, 0, static_cast<uint64_t>(s), draw));
      if (v >= init_.min && v <= init_.max) return v;
    }
    throw_value_error(what_, ": no value of the ", kind_name(init_.kind), " distribution fell in the clip range [",
                      init_.min, ", ", init_.max, "] in 1000 draws");
  }

  // All pairs numbered row by row (s = i n_post + j): out[q] = the value of pair (i, j0 + q), q < m <= 64.
  // A distribution's first draws are taken 64 Philox blocks at a time (kernels::random_block,
  // vectorised across counters); a value outside the clip range draws on as operator() does.
  template <class T>
  void fill_row(int64_t i, int64_t j0, int64_t m, T* out) const {
    const int64_t s0 = i * n_post_ + j0;
    if (!drawn()) {
      for (int64_t q = 0; q < m; ++q) out[q] = static_cast<T>((*this)(s0 + q, i, j0 + q));
      return;
    }
    uint32_t words[4 * 64];
    kernels::random_block(seed_, stream_, 0, static_cast<uint64_t>(s0), m, words);
    for (int64_t q = 0; q < m; ++q) {
      const kernels::Philox4 w{{words[4 * q], words[4 * q + 1], words[4 * q + 2], words[4 * q + 3]}};
      const double v = value_of(w);
      out[q] = static_cast<T>(v >= init_.min && v <= init_.max ? v : (*this)(s0 + q, -1, -1));
    }
  }

 private:
  // A distribution's value from one Philox block.
  double value_of(const kernels::Philox4& w) const {
    switch (init_.kind) {
      case Init::Kind::Uniform: return init_.a + (init_.b - init_.a) * kernels::uniform2(w).u0;
      case Init::Kind::Normal: return init_.a + init_.b * kernels::normal_from(w);
      case Init::Kind::Exponential: return -init_.a * std::log(kernels::uniform2(w).u0);  // u0 in (0, 1): finite
      default: return std::exp(init_.a + init_.b * kernels::normal_from(w));  // lognormal
    }
  }
  Init init_;
  const char* what_;
  int64_t n_post_;
  uint64_t seed_;
  uint32_t stream_;
  bool by_index_ = false;
  at::Tensor host_;
  const double* data_ = nullptr;
};

// Delay in ms -> steps. Constants and tensors must lie on the grid; drawn delays are rounded to the
// nearest step (as NEST rounds delays to the resolution). Either way at least one step.
int32_t delay_steps(double d_ms, double dt, bool drawn, const char* what) {
  const int64_t rounded = drawn ? nearest_steps(d_ms, dt) : grid_steps(d_ms, dt, what);
  if (rounded < 1) {
    throw_value_error(what, " must be at least one step (dt = ", dt, " ms), got ", d_ms, " ms",
                      drawn ? " (drawn from the delay distribution: clip it to >= dt)" : "");
  }
  if (rounded > std::numeric_limits<int32_t>::max()) throw_value_error(what, " of ", d_ms, " ms is too long");
  return static_cast<int32_t>(rounded);
}

// An uninitialised host tensor whose pages Linux may back with 2 MB pages (where transparent huge
// pages are on "madvise", as on Debian): arrays written once fault 512x less often. On this VM a
// 4 KB page fault costs microseconds, and building Brunel took twice as long without.
at::Tensor host_empty(at::IntArrayRef shape, at::ScalarType dtype) {
  at::Tensor x = at::empty(shape, dtype);
#ifdef MADV_HUGEPAGE
  const uintptr_t page = 4096, start = reinterpret_cast<uintptr_t>(x.data_ptr());
  const uintptr_t b = (start + page - 1) & ~(page - 1), e = (start + x.nbytes()) & ~(page - 1);
  if (e > b + (uintptr_t{4} << 20)) madvise(reinterpret_cast<void*>(b), e - b, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  return x;
}

// An uninitialised tensor with `opts` (host_empty on the CPU).
at::Tensor empty_with(at::IntArrayRef shape, const at::TensorOptions& opts) {
  return opts.device().is_cpu() ? host_empty(shape, opts.dtype().toScalarType()) : at::empty(shape, opts);
}

// A sparse projection's storage, built on the host: CSR rows by pre neuron, each row sorted by
// target; weights in the network's dtype (T), and a delay per synapse only when the delay is not a
// constant (then `delay` is undefined and dmin = dmax is the constant's steps).
struct SparseRows {
  at::Tensor row_ptr, post_index, weight, delay;
  int32_t dmin = std::numeric_limits<int32_t>::max(), dmax = 0;
};

// Rules whose synapses are drawn into arrays first (fixed_indegree / fixed_outdegree / fixed_total_number)
// are counted and scattered into their rows in parallel chunks of s: chunk c writes row r from where
// the chunks before it end (directly, or through a listing by group of rows), so the rows hold their
// synapses in the order of s on any thread count. Row rules enumerate each row once.
template <class T>
SparseRows sparse_rows(const Enumerator& rule, const ConnectSpec& spec, const Values& weight, const Values& delay,
                       double dt, int64_t n_pre, int64_t cols) {
  SparseRows out;
  out.row_ptr = at::zeros({n_pre + 1}, at::kLong);
  int64_t* row_ptr = out.row_ptr.data_ptr<int64_t>();
  const int64_t rows = rule.rows();
  const bool total = spec.rule == "fixed_total_number", drawn_first = (rule.by_owner() || total) && !rule.replays();
  const bool in = spec.rule == "fixed_indegree";
  const int64_t owners = rule.by_owner() ? rule.owners() : 0, per_owner = owners ? rule.expected() / owners : 0;
  // Onto a block of targets (fixed_indegree), the arrays hold the local owners' synapses: s of the
  // arrays is synapse rule.global_synapse(s), of target position rule.owner_position(s / K).
  // Owner rules: the partner (list position) of synapse s; fixed_total_number: its pair.
  at::Tensor drawn_a, drawn_b;
  const int32_t *partner = nullptr, *total_pre = nullptr, *total_post = nullptr;
  auto pair_of = [&](int64_t s) {              // (i, j) of synapse s
    if (total) return std::pair<int64_t, int64_t>{total_pre[s], total_post[s]};
    return in ? std::pair<int64_t, int64_t>{partner[s], rule.owner_position(s / per_owner)}
              : std::pair<int64_t, int64_t>{s / per_owner, partner[s]};
  };
  // Chunks of s for the drawn rules, and per chunk and row the count, then where the chunk writes.
  int64_t chunks = 0, chunk_len = 0;
  std::vector<int64_t> chunk_row;  // [chunk][row]
  // Row rules: the rows' synapse counts, and the targets of each block of rows.
  int64_t row_blocks = 0;
  std::vector<int64_t> row_count;
  std::vector<std::vector<int32_t>> block_targets;
  if (drawn_first) {
    const int64_t n = rule.expected();
    if (n >= std::numeric_limits<int32_t>::max()) throw_value_error("a sparse projection holds at most 2^31 - 1 synapses, got ", n);
    drawn_a = host_empty({n}, at::kInt);
    if (total) {
      drawn_b = host_empty({n}, at::kInt);
      rule.draw_total(drawn_a.data_ptr<int32_t>(), drawn_b.data_ptr<int32_t>());
      total_pre = drawn_a.data_ptr<int32_t>();
      total_post = drawn_b.data_ptr<int32_t>();
    } else {
      int32_t* drawn = drawn_a.data_ptr<int32_t>();
      parallel_rows(owners, per_owner, [&](int64_t o) {
        int64_t k = o * per_owner;
        rule.visit_owner(o, [&](int64_t, int64_t i, int64_t j) { drawn[k++] = static_cast<int32_t>(in ? i : j); });
      });
      partner = drawn;
    }
    // Up to 16 chunks of at least 65536 synapses, their counts at most 4 bytes per synapse.
    chunks = std::max<int64_t>(1, std::min({int64_t{16}, n / 65536, n / std::max<int64_t>(1, 2 * n_pre)}));
    chunk_len = (n + chunks - 1) / chunks;
    chunk_row.assign(static_cast<size_t>(chunks * n_pre), 0);
    parallel_rows(chunks, chunk_len, [&](int64_t c) {
      int64_t* count = chunk_row.data() + c * n_pre;
      for (int64_t s = c * chunk_len, end = std::min(n, s + chunk_len); s < end; ++s) ++count[rule.pre_id(pair_of(s).first)];
    });
    for (int64_t r = 0; r < n_pre; ++r) {
      for (int64_t c = 0; c < chunks; ++c) row_ptr[r + 1] += chunk_row[c * n_pre + r];
    }
  } else if (rule.by_rows()) {
    // Rows are enumerated once (pairwise_bernoulli draws per pair), in blocks that keep their targets.
    row_blocks = std::min<int64_t>(rows, 256);
    block_targets.resize(static_cast<size_t>(row_blocks));
    row_count.assign(static_cast<size_t>(rows), 0);
    parallel_rows(row_blocks, rule.expected() / std::max<int64_t>(1, row_blocks), [&](int64_t b) {
      std::vector<int32_t>& targets = block_targets[b];
      targets.reserve(static_cast<size_t>(rule.expected() / row_blocks * 11 / 10 + 16));
      for (int64_t i = rows * b / row_blocks; i < rows * (b + 1) / row_blocks; ++i) {
        const size_t before = targets.size();
        rule.visit_row(i, [&](int64_t, int64_t, int64_t j) { targets.push_back(static_cast<int32_t>(j)); });
        row_count[i] = static_cast<int64_t>(targets.size() - before);
      }
    });
    for (int64_t i = 0; i < rows; ++i) row_ptr[rule.pre_id(i) + 1] += row_count[i];
  } else {
    rule.visit_all([&](int64_t, int64_t i, int64_t) { ++row_ptr[rule.pre_id(i) + 1]; });
  }
  std::partial_sum(row_ptr, row_ptr + n_pre + 1, row_ptr);
  const int64_t S = row_ptr[n_pre];
  if (S >= std::numeric_limits<int32_t>::max()) throw_value_error("a sparse projection holds at most 2^31 - 1 synapses, got ", S);

  out.post_index = host_empty({S}, at::kInt);
  int32_t* post = out.post_index.data_ptr<int32_t>();
  T* w = nullptr;
  int32_t* d = nullptr;
  if (weight.constant()) {
    out.weight = host_empty({S}, c10::CppTypeToScalarType<T>::value).fill_(weight(0, -1, -1));
  } else {
    out.weight = host_empty({S}, c10::CppTypeToScalarType<T>::value);
    w = out.weight.template data_ptr<T>();
  }
  if (delay.constant()) {
    out.dmin = out.dmax = delay_steps(delay(0, -1, -1), dt, false, "delay");
  } else {
    out.delay = host_empty({S}, at::kInt);
    d = out.delay.data_ptr<int32_t>();
  }
  auto put = [&](int64_t at_pos, int64_t s, int64_t i, int64_t j) {
    post[at_pos] = static_cast<int32_t>(rule.post_id(j));
    if (w) w[at_pos] = static_cast<T>(weight(s, i, j));
    if (d) d[at_pos] = delay_steps(delay(s, i, j), dt, delay.drawn(), "delay");
  };
  if (drawn_first && (spec.rule == "fixed_outdegree" || n_pre < 1024 || (!w && !d))) {
    // Rows in the order of s (fixed_outdegree), few rows, or only the targets to write: each chunk
    // writes into the rows directly.
    for (int64_t r = 0; r < n_pre; ++r) {  // counts -> where each chunk starts in each row
      int64_t at_pos = row_ptr[r];
      for (int64_t c = 0; c < chunks; ++c) {
        const int64_t count = chunk_row[c * n_pre + r];
        chunk_row[c * n_pre + r] = at_pos;
        at_pos += count;
      }
    }
    parallel_rows(chunks, chunk_len, [&](int64_t c) {
      int64_t* cursor = chunk_row.data() + c * n_pre;
      for (int64_t s = c * chunk_len, end = std::min(S, s + chunk_len); s < end; ++s) {
        const auto [i, j] = pair_of(s);
        put(cursor[rule.pre_id(i)]++, rule.global_synapse(s), i, j);
      }
    });
  } else if (drawn_first) {
    // Rows in random order, with values: writing targets, weights and delays into all rows at once
    // misses the caches at every store (fixed_indegree with drawn values: 1.4-2.7 s for 15.6 M
    // synapses, against 0.75 s this way). So in two passes, each with a few hundred write positions:
    // the chunks list their synapses (s, i, j) by group of rows, then each group places them, in the
    // order of s, into its rows.
    const int64_t group_rows = std::max<int64_t>(64, (n_pre + 255) / 256), groups = (n_pre + group_rows - 1) / group_rows;
    std::vector<int64_t> group_at(static_cast<size_t>(chunks * groups));  // where chunk c lists group g
    for (int64_t g = 0; g < groups; ++g) {
      const int64_t r0 = g * group_rows, r1 = std::min(n_pre, r0 + group_rows);
      int64_t at_pos = row_ptr[r0];
      for (int64_t c = 0; c < chunks; ++c) {
        group_at[c * groups + g] = at_pos;
        for (int64_t r = r0; r < r1; ++r) at_pos += chunk_row[c * n_pre + r];
      }
    }
    at::Tensor listed = host_empty({3, S}, at::kInt);
    int32_t *by_group = listed[0].data_ptr<int32_t>(), *gi = listed[1].data_ptr<int32_t>(), *gj = listed[2].data_ptr<int32_t>();
    parallel_rows(chunks, chunk_len, [&](int64_t c) {
      int64_t* at_pos = group_at.data() + c * groups;
      for (int64_t s = c * chunk_len, end = std::min(S, s + chunk_len); s < end; ++s) {
        const auto [i, j] = pair_of(s);
        const int64_t k = at_pos[rule.pre_id(i) / group_rows]++;
        by_group[k] = static_cast<int32_t>(s);
        gi[k] = static_cast<int32_t>(i);
        gj[k] = static_cast<int32_t>(j);
      }
    });
    parallel_rows(groups, S / groups, [&](int64_t g) {
      const int64_t r0 = g * group_rows, r1 = std::min(n_pre, r0 + group_rows);
      std::vector<int64_t> cursor(row_ptr + r0, row_ptr + r1);
      for (int64_t k = row_ptr[r0]; k < row_ptr[r1]; ++k) {
        const int64_t s = by_group[k], i = gi[k], j = gj[k];
        put(cursor[rule.pre_id(i) - r0]++, rule.global_synapse(s), i, j);
      }
    });
  } else if (rule.by_rows()) {
    parallel_rows(row_blocks, S / std::max<int64_t>(1, row_blocks), [&](int64_t b) {
      const int32_t* j = block_targets[b].data();
      for (int64_t i = rows * b / row_blocks; i < rows * (b + 1) / row_blocks; ++i) {
        int64_t pos = row_ptr[rule.pre_id(i)];
        for (int64_t k = 0; k < row_count[i]; ++k, ++j) put(pos++, i * cols + *j, i, *j);  // s numbers pairs row by row
      }
      std::vector<int32_t>().swap(block_targets[b]);
    });
  } else {
    std::vector<int64_t> cursor(row_ptr, row_ptr + n_pre);
    rule.visit_all([&](int64_t s, int64_t i, int64_t j) { put(cursor[rule.pre_id(i)]++, s, i, j); });
  }
  // Rows sorted by target (stable: multapses keep their order), as the delivery kernels need. The
  // key (target, place in the row) sorts as one integer.
  parallel_rows(n_pre, std::max<int64_t>(64, S / std::max<int64_t>(1, n_pre)), [&](int64_t i) {
    const int64_t b = row_ptr[i], e = row_ptr[i + 1];
    if (std::is_sorted(post + b, post + e)) return;
    thread_local std::vector<uint64_t> key;
    key.resize(static_cast<size_t>(e - b));
    for (int64_t k = b; k < e; ++k) key[k - b] = (static_cast<uint64_t>(post[k]) << 32) | static_cast<uint64_t>(k - b);
    std::sort(key.begin(), key.end());
    auto permute = [&](auto* a) {
      using V = std::remove_pointer_t<decltype(a)>;
      thread_local std::vector<V> sorted;
      sorted.resize(key.size());
      for (size_t k = 0; k < key.size(); ++k) sorted[k] = a[b + static_cast<int64_t>(key[k] & 0xffffffffu)];
      std::copy(sorted.begin(), sorted.end(), a + b);
    };
    if (w) permute(w);
    if (d) permute(d);
    permute(post);
  });
  if (d && S > 0) {
    const auto [lo, hi] = std::minmax_element(d, d + S);
    out.dmin = *lo;
    out.dmax = *hi;
  }
  return out;
}


// A dense projection's storage, built on the host: weights and synapse counts per entry [N_pre, N_post]
// in the network's dtype (T), and a delay per entry only when the delay is not a constant.
struct DenseCells {
  at::Tensor weight, count, delay;
  int64_t synapses = 0;
  int32_t dmin = std::numeric_limits<int32_t>::max(), dmax = 0;
};

template <class T>
DenseCells dense_cells(const Enumerator& rule, const ConnectSpec& spec, const Values& weight, const Values& delay,
                       double dt, int64_t n_pre, int64_t n_post, int64_t cols) {
  const int64_t cells = n_pre * n_post;
  const at::ScalarType dtype = c10::CppTypeToScalarType<T>::value;
  DenseCells out;
  out.weight = host_empty({n_pre, n_post}, dtype).zero_();
  out.count = host_empty({n_pre, n_post}, dtype).zero_();
  T* w = out.weight.template data_ptr<T>();
  T* count = out.count.template data_ptr<T>();
  // Multapses add up in double precision and are rounded once; a lone synapse is written as it is.
  const bool repeats = spec.rule == "one_to_one" || (spec.multapses && (rule.by_owner() || spec.rule == "fixed_total_number"));
  std::vector<double> sum(repeats ? static_cast<size_t>(cells) : 0, 0.0);
  int32_t* d = nullptr;
  int32_t d_const = 0;
  if (delay.constant()) {
    d_const = delay_steps(delay(0, -1, -1), dt, false, "delay");
  } else {
    out.delay = host_empty({n_pre, n_post}, at::kInt).zero_();
    d = out.delay.data_ptr<int32_t>();
  }
  auto place = [&](int64_t s, int64_t i, int64_t j) {
    const int64_t from = rule.pre_id(i), to = rule.post_id(j), c = from * n_post + to;
    if (d) {
      const int32_t dl = delay_steps(delay(s, i, j), dt, delay.drawn(), "delay");
      if (count[c] > 0 && d[c] != dl) {
        throw_value_error("multapses from ", from, " to ", to, " have different delays (", d[c] * dt, " and ", dl * dt,
                          " ms); dense storage keeps one delay per pair: pass multapses=False or storage='sparse'");
      }
      d[c] = dl;
    }
    count[c] += 1;
    if (repeats) {
      sum[c] += weight(s, i, j);
    } else {
      w[c] = static_cast<T>(0.0 + weight(s, i, j));  // 0.0 +: -0.0 is stored as +0.0, as a sum would
    }
  };
  // Rows (row rules) and owners (columns or rows) are distinct neurons (lists other than
  // one_to_one's are unique): no two threads place into one cell.
  if (rule.by_rows()) {
    parallel_rows(rule.rows(), cols, [&](int64_t i) { rule.visit_row(i, place); });
  } else if (rule.by_owner()) {
    parallel_rows(rule.owners(), rule.expected() / std::max<int64_t>(1, rule.owners()),
                  [&](int64_t o) { rule.visit_owner(o, place); });
  } else {
    rule.visit_all(place);
  }
  for (int64_t c = 0; c < cells; ++c) {
    if (count[c] == 0) continue;
    out.synapses += static_cast<int64_t>(count[c]);
    if (repeats) w[c] = static_cast<T>(sum[c]);
    const int32_t dl = d ? d[c] : d_const;
    out.dmin = std::min(out.dmin, dl);
    out.dmax = std::max(out.dmax, dl);
  }
  return out;
}

}  // namespace

std::unique_ptr<Projection> ProjectionBuilder::start(Population& pre, Population& post, const std::string& rule, double dt,
                                                     uint32_t stream) {
  auto p = std::unique_ptr<Projection>(new Projection());
  p->rule_ = rule;
  p->stream_ = stream;
  p->pre_ = &pre;
  p->post_ = &post;
  p->dt_ = dt;
  return p;
}

// Dense all-to-all, every pair (the common case, and BindsNET's benchmark): written straight into the
// projection's tensors at memory speed. The same values as the general path below, which would
// enumerate the pairs one by one through double-precision scratch arrays (~100x a copy of the weights).
std::unique_ptr<Projection> ProjectionBuilder::build_all_to_all(Population& pre, Population& post, const ConnectSpec& spec,
                                                                double dt, uint64_t seed, uint32_t stream) {
  // Columns [col0, col0 + n_post) of n_cols: the targets held here (all of them unless post is partitioned).
  const int64_t n_pre = pre.global_size(), n_post = post.size(), cells = n_pre * n_post;
  const int64_t col0 = post.first(), n_cols = post.global_size();
  const at::TensorOptions& opts = post.options();
  auto p = start(pre, post, spec.rule, dt, stream);
  p->storage_ = Projection::Storage::Dense;
  p->num_synapses_ = cells;
  p->count_ = empty_with({n_pre, n_post}, opts).fill_(1);
  // Pair (i, j) is synapse s = i n_cols + j, as the row enumeration numbers it.
  auto rows = [&](const Values& values, auto* out) {
    backend::for_each_cpu(
        n_pre,
        [&](int64_t i) {
          for (int64_t j = 0; j < n_post; j += 64) {
            values.fill_row(i, col0 + j, std::min<int64_t>(64, n_post - j), out + i * n_post + j);
          }
        },
        std::max<int64_t>(1, 8192 / std::max<int64_t>(1, n_post)));
  };
  const Init& w = spec.weight;
  if (w.kind == Init::Kind::Tensor) {
    const at::Tensor& t = w.tensor;
    if (!((t.dim() == 2 && t.size(0) == n_pre && t.size(1) == n_cols) || (t.dim() == 1 && t.size(0) == n_pre * n_cols))) {
      throw_value_error("weight tensor has shape ", t.sizes(), "; expected [", n_pre, ", ", n_cols, "] or [", n_pre * n_cols,
                        "] (one value per synapse)");
    }
    p->weight_ = empty_with({n_pre, n_post}, opts);
    p->weight_.copy_(t.detach().reshape({n_pre, n_cols}).narrow(1, col0, n_post));
    // One read, no temporary: an inf or NaN shows in the minimum or the maximum.
    const auto [lo, hi] = at::aminmax(p->weight_);
    if (cells && !(std::isfinite(lo.item<double>()) && std::isfinite(hi.item<double>()))) {
      throw_value_error("weight tensor has values that are not finite (in the network's dtype)");
    }
  } else if (w.kind == Init::Kind::Constant) {
    p->weight_ = empty_with({n_pre, n_post}, opts).fill_(w.a);
  } else {
    const Values values(w, "weight", n_pre, n_cols, n_pre * n_cols, seed, stream + 1);
    at::Tensor host = host_empty({n_pre, n_post}, opts.dtype().toScalarType());
    dispatch_floating(host.scalar_type(), [&](auto tag) { rows(values, host.data_ptr<decltype(tag)>()); });
    p->weight_ = host.to(opts.device());
  }
  const Init delay = spec.delay ? *spec.delay : Init::constant(dt);
  if (delay.kind == Init::Kind::Constant) {
    p->min_delay_ = p->max_delay_ = p->uniform_delay_ = delay_steps(delay.a, dt, false, "delay");
  } else {
    const Values values(delay, "delay", n_pre, n_cols, n_pre * n_cols, seed, stream + 2);
    at::Tensor ms = host_empty({n_pre, n_post}, at::kDouble);
    rows(values, ms.data_ptr<double>());
    // Steps per pair (drawn delays round to the nearest step; given ones must lie on the grid).
    const double* d = ms.data_ptr<double>();
    at::Tensor steps = host_empty({n_pre, n_post}, at::kInt);
    int32_t* out = steps.data_ptr<int32_t>();
    const bool drawn = values.drawn();
    backend::for_each_cpu(cells, [&](int64_t k) { out[k] = delay_steps(d[k], dt, drawn, "delay"); }, 65536);
    const int32_t lo = steps.min().item<int32_t>(), hi = steps.max().item<int32_t>();
    p->max_delay_ = hi;
    p->min_delay_ = lo;
    p->uniform_delay_ = lo == hi ? hi : -1;
    if (lo != hi) p->delay_steps_ = steps.to(opts.device());
  }
  return p;
}

std::unique_ptr<Projection> ProjectionBuilder::build(Population& pre, Population& post, const ConnectSpec& spec,
                                                     double dt, uint64_t seed, uint32_t stream) {
  // n_post: the targets held here (a block of post in a distributed network, docs/distributed.md).
  const int64_t n_pre = pre.global_size(), n_post = post.size(), cells = n_pre * post.global_size();
  check_init(spec.weight, "weight");
  if (spec.delay) check_init(*spec.delay, "delay");
  if (spec.storage != "auto" && spec.storage != "dense" && spec.storage != "sparse") {
    throw_value_error("storage must be 'auto', 'dense' or 'sparse', got '", spec.storage, "'");
  }
  const Enumerator rule(spec, pre, post, seed, stream);
  // Auto: sparse when fewer than a third of the entries hold a synapse (a sparse synapse costs 8-12
  // bytes, a dense entry 4 plus its count).
  const bool sparse = spec.storage == "sparse" || (spec.storage == "auto" && 3 * rule.expected_global() < cells);
  if (!sparse && spec.rule == "all_to_all" && !spec.pre_neurons && !spec.post_neurons && (spec.autapses || &pre != &post)) {
    return build_all_to_all(pre, post, spec, dt, seed, stream);
  }
  const bool exact = spec.rule != "pairwise_bernoulli";
  const int64_t n_listed = (rule.by_rows() || !exact) ? -1 : rule.expected_global();
  // Values are indexed in the rule's positions (a weight tensor is [listed pre, listed post]).
  const int64_t rows = rule.rows(), cols = spec.post_neurons ? static_cast<int64_t>(spec.post_neurons->size()) : post.global_size();
  const Values weight(spec.weight, "weight", rows, cols, n_listed, seed, stream + 1);
  const Values delay(spec.delay ? *spec.delay : Init::constant(dt), "delay", rows, cols, n_listed, seed, stream + 2);

  auto p = start(pre, post, spec.rule, dt, stream);
  const at::TensorOptions& opts = post.options();
  const at::ScalarType dtype = opts.dtype().toScalarType();
  int32_t dmin = std::numeric_limits<int32_t>::max(), dmax = 0;

  if (!sparse) {
    // ---- dense [N_pre, N_post], built into the projection's tensors ----
    DenseCells built;
    dispatch_floating(dtype, [&](auto tag) { built = dense_cells<decltype(tag)>(rule, spec, weight, delay, dt, n_pre, n_post, cols); });
    p->storage_ = Projection::Storage::Dense;
    p->num_synapses_ = built.synapses;
    p->weight_ = built.weight.to(opts.device());
    p->count_ = built.count.to(opts.device());
    if (built.delay.defined() && built.synapses > 0 && built.dmin != built.dmax) p->delay_steps_ = built.delay.to(opts.device());
    dmin = built.dmin;
    dmax = built.dmax;
  } else {
    // ---- sparse CSR by pre neuron, built into the projection's tensors ----
    SparseRows built;
    dispatch_floating(dtype, [&](auto tag) { built = sparse_rows<decltype(tag)>(rule, spec, weight, delay, dt, n_pre, cols); });
    p->storage_ = Projection::Storage::Sparse;
    p->num_synapses_ = built.post_index.numel();
    p->row_ptr_ = built.row_ptr.to(opts.device());  // no copy on the CPU
    p->post_index_ = built.post_index.to(opts.device());
    p->weight_ = built.weight.to(opts.device());
    if (built.delay.defined() && built.dmin != built.dmax) p->delay_steps_ = built.delay.to(opts.device());
    dmin = built.dmin;
    dmax = built.dmax;
  }

  if (p->num_synapses_ == 0) {
    dmin = dmax = !spec.delay ? 1 : delay_steps(spec.delay->kind == Init::Kind::Constant ? spec.delay->a : dt, dt, false, "delay");
  }
  p->max_delay_ = dmax;
  p->min_delay_ = dmin;
  p->uniform_delay_ = dmin == dmax ? dmax : -1;
  return p;
}

}  // namespace snn
