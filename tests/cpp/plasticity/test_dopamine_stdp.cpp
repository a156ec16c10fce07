// tests/cpp/plasticity/test_dopamine_stdp.cpp — DopamineSTDP: the closed form against brute-force
// integration, and the vectorised lazy visits against the per-synapse update.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

#include "helpers.h"
#include "snn/kernels/dopamine_stdp_math.h"
#include "snn/kernels/philox_math.h"

using namespace snn;
using snn_test::options;


// ---- dopamine-modulated STDP --------------------------------------------------------------------

TEST(DopamineMath, ClosedFormMatchesBruteForceIntegration) {
  // dw/dt = c(t) (n(t) - b), c = c0 exp(-t/tau_c), n = n0 exp(-t/tau_n), integrated with classical
  // Runge-Kutta in 20000 sub-steps (global error ~ (D/20000)^4: far below 1e-10 relative).
  const double tau_c = 1000.0, tau_n = 200.0;
  for (double c0 : {0.78, -0.4, 2.5}) {
    for (double n0 : {0.005, 0.05}) {
      for (double b : {0.0, 0.003}) {
        for (double D : {0.1, 7.5, 300.0, 5000.0}) {
          auto f = [&](double t) { return c0 * std::exp(-t / tau_c) * (n0 * std::exp(-t / tau_n) - b); };
          const int sub = 20000;
          const double h = D / sub;
          double w = 0.0;
          for (int k = 0; k < sub; ++k) {
            const double t = k * h;
            w += h / 6.0 * (f(t) + 4.0 * f(t + h / 2) + f(t + h));  // RK4 for a time-only right-hand side
          }
          const double closed = kernels::dopamine_weight_change(c0, n0, D, tau_c, tau_n, b);
          EXPECT_NEAR(closed, w, 1e-10 * std::abs(w)) << "c0 " << c0 << " n0 " << n0 << " b " << b << " D " << D;
        }
      }
    }
  }
}

TEST(DopamineMath, PerStepPropagatorsComposeToTheClosedForm) {
  // The engine integrates step by step; k steps of h must equal one interval of k h.
  const double tau_c = 1000.0, tau_n = 200.0, h = 0.1, b = 0.002, c0 = 0.7, n0 = 0.01;
  const kernels::DopaminePropagators P = kernels::dopamine_propagators(h, tau_c, tau_n);
  double w = 0.0, c = c0, n = n0;
  for (int k = 1; k <= 50000; ++k) {
    w += c * (n * P.w_cn - b * P.w_c);
    c *= P.decay_c;
    n *= P.decay_n;
    if (k % 10000 == 0) {
      const double closed = kernels::dopamine_weight_change(c0, n0, k * h, tau_c, tau_n, b);
      EXPECT_NEAR(w, closed, 1e-10 * std::abs(closed)) << k << " steps";
    }
  }
}

// The CPU's vectorised one-piece visits (DopamineCols, then DopamineRows; DopamineFlush) against the
// per-synapse update of the generic schemes (ActiveRows, then ActiveCols skipping those rows; EveryRow),
// bitwise: w, c and t_last of every synapse, sparse and dense, with and without this step's pairings.
namespace {
struct DopamineCase {
  bool sparse;
  int64_t n_pre = 23, n_post = 37;
  std::vector<int64_t> row_ptr{0}, col_ptr;
  std::vector<int32_t> post, col_syn, col_pre;
  std::vector<float> count, w, c, pre_spikes, post_seen, k_plus, k_minus;
  std::vector<int64_t> t_last;
  std::vector<double> table;  // decay_c, decay_n, w_cn, w_c over 0 .. 63 steps
  std::vector<int32_t> rows, cols;
  std::vector<uint8_t> row_flag;
  int32_t n_rows = 0, n_cols = 0;
  float base_n = 0.04f;

  explicit DopamineCase(bool sparse_, uint64_t seed) : sparse(sparse_) {
    auto u = [&](uint64_t k) { return kernels::uniform_word(kernels::random_words(seed, 7, 0, k).v[0]); };
    uint64_t draw = 0;
    const int64_t n_dense = n_pre * n_post;
    count.assign(static_cast<size_t>(n_dense), 0.0f);
    for (int64_t i = 0; i < n_pre; ++i) {
      for (int64_t j = 0; j < n_post; ++j) {
        if (u(draw++) < 0.3) {
          count[i * n_post + j] = 1.0f;
          post.push_back(static_cast<int32_t>(j));
        }
      }
      row_ptr.push_back(static_cast<int64_t>(post.size()));
    }
    const int64_t n_syn = sparse ? static_cast<int64_t>(post.size()) : n_dense;
    for (int64_t j = 0; j <= n_post; ++j) col_ptr.push_back(0);
    for (int32_t j : post) ++col_ptr[j + 1];
    for (int64_t j = 0; j < n_post; ++j) col_ptr[j + 1] += col_ptr[j];
    std::vector<int64_t> fill(col_ptr.begin(), col_ptr.end() - 1);
    col_syn.resize(post.size());
    col_pre.resize(post.size());
    for (int64_t i = 0; i < n_pre; ++i) {
      for (int64_t s = row_ptr[i]; s < row_ptr[i + 1]; ++s) {
        col_syn[fill[post[s]]] = static_cast<int32_t>(s);
        col_pre[fill[post[s]]++] = static_cast<int32_t>(i);
      }
    }
    const int64_t base_time = 100, target = 140;
    for (int64_t s = 0; s < n_syn; ++s) {
      w.push_back(static_cast<float>(4.0 * u(draw++)));  // some clip at Wmin 0.5 or Wmax 3.5
      c.push_back(static_cast<float>(40.0 * (u(draw++) - 0.5)));
      t_last.push_back(base_time + static_cast<int64_t>(40.0 * u(draw++)));  // some already at target
    }
    for (int64_t i = 0; i < n_pre; ++i) {
      pre_spikes.push_back(u(draw++) < 0.3 ? 1.0f : 0.0f);
      k_plus.push_back(static_cast<float>(u(draw++)));
      row_flag.push_back(pre_spikes.back() != 0.0f);
      if (row_flag.back()) rows.push_back(static_cast<int32_t>(i));
    }
    for (int64_t j = 0; j < n_post; ++j) {
      post_seen.push_back(u(draw++) < 0.3 ? 2.0f : 0.0f);  // a multiplicity
      k_minus.push_back(static_cast<float>(u(draw++)));
      if (post_seen.back() != 0.0f) cols.push_back(static_cast<int32_t>(j));
    }
    n_rows = static_cast<int32_t>(rows.size());
    n_cols = static_cast<int32_t>(cols.size());
    const double h = 1.0, tau_c = 50.0, tau_n = 20.0, tau_s = 1.0 / tau_c + 1.0 / tau_n;
    table.resize(4 * 64);
    for (int k = 0; k < 64; ++k) {
      table[k] = std::exp(-k * h / tau_c);
      table[64 + k] = std::exp(-k * h / tau_n);
      table[128 + k] = -std::expm1(-tau_s * k * h) / tau_s;
      table[192 + k] = -tau_c * std::expm1(-k * h / tau_c);
    }
    this->base_time = base_time;
    this->target = target;
  }
  int64_t base_time = 0, target = 0;

  kernels::SynapseLayout<float> layout() const {
    kernels::SynapseLayout<float> L;
    L.n_pre = n_pre;
    L.n_post = n_post;
    L.batch = 1;
    L.n_syn = static_cast<int64_t>(w.size());
    if (sparse) {
      L.row_ptr = row_ptr.data();
      L.post = post.data();
      L.col_ptr = col_ptr.data();
      L.col_syn = col_syn.data();
      L.col_pre = col_pre.data();
    } else {
      L.count = count.data();
    }
    return L;
  }
  kernels::DopamineLazyRule<float> rule(bool events) {
    kernels::DopamineLazyRule<float> r{};
    kernels::DopamineStepRule<float>& p = r.step;
    p.w = w.data();
    p.c = c.data();
    p.pre_spikes = pre_spikes.data();
    p.post_seen = post_seen.data();
    p.k_plus = k_plus.data();
    p.k_minus = k_minus.data();
    p.decay_plus = 0.9f;
    p.decay_minus = 0.8f;
    p.b = 0.01f;
    p.A_plus = 1.0f;
    p.A_minus = 1.5f;
    p.w_min = 0.5f;
    p.w_max = 3.5f;
    p.n_pre = n_pre;
    p.n_post = n_post;
    p.batch = 1;
    p.n_syn = static_cast<int64_t>(w.size());
    r.t_last = t_last.data();
    r.history = {nullptr, nullptr, 0, base_time, &base_n, 1, 1.0, 20.0,
                 {table.data(), table.data() + 64, table.data() + 128, table.data() + 192, 64}};
    r.target = target;
    r.events = events;
    r.tau_c = 50.0;
    r.tau_s = 1.0 / 50.0 + 1.0 / 20.0;
    return r;
  }
  kernels::ActiveSet row_set() const { return {rows.data(), &n_rows, row_flag.data()}; }
  kernels::ActiveSet col_set() const { return {cols.data(), &n_cols, nullptr}; }
};

void expect_same_synapses(const DopamineCase& a, const DopamineCase& b, const char* what) {
  for (size_t s = 0; s < a.w.size(); ++s) {
    if (!a.sparse && a.count[s] == 0.0f) continue;  // an absent synapse's t_last is not kept
    ASSERT_EQ(a.w[s], b.w[s]) << what << " synapse " << s;
    ASSERT_EQ(a.c[s], b.c[s]) << what << " synapse " << s;
    ASSERT_EQ(a.t_last[s], b.t_last[s]) << what << " synapse " << s;
  }
}
}  // namespace

TEST(DopamineLazy, VectorisedOnePieceVisitsEqualThePerSynapseUpdate) {
  for (bool sparse : {true, false}) {
    for (bool events : {true, false}) {
      DopamineCase generic(sparse, 3), fast(sparse, 3);
      const kernels::SynapseLayout<float> L = generic.layout(), Lf = fast.layout();
      // Generic: rows, then columns skipping those rows (apply_rule()).
      const kernels::ActiveRows<kernels::DopamineLazyRule<float>> rows{generic.rule(events), L, generic.row_set()};
      const kernels::ActiveCols<kernels::DopamineLazyRule<float>> cols{generic.rule(events), L, generic.col_set(),
                                                                       generic.row_flag.data()};
      for (int64_t q = 0; q < generic.n_rows; ++q) rows(q);
      for (int64_t q = 0; q < generic.n_cols; ++q) cols(q);
      // Vectorised: columns (dense: the generic column update, no flags), then rows skipping them.
      if (sparse) {
        const kernels::DopamineCols<float> fast_cols{kernels::OnePiece<float>(fast.rule(events)), Lf, fast.col_set()};
        for (int64_t q = 0; q < fast.n_cols; ++q) fast_cols(q);
      } else {
        const kernels::ActiveCols<kernels::DopamineLazyRule<float>> fast_cols{fast.rule(events), Lf, fast.col_set(), nullptr};
        for (int64_t q = 0; q < fast.n_cols; ++q) fast_cols(q);
      }
      const kernels::DopamineRows<float> fast_rows{kernels::OnePiece<float>(fast.rule(events)), Lf, fast.row_set()};
      for (int64_t q = 0; q < fast.n_rows; ++q) fast_rows(q);
      ASSERT_GT(generic.n_rows, 2);
      ASSERT_GT(generic.n_cols, 2);
      expect_same_synapses(generic, fast, sparse ? (events ? "sparse, events" : "sparse") : (events ? "dense, events" : "dense"));
      DopamineCase untouched(sparse, 3);
      EXPECT_NE(generic.c, untouched.c);  // the visits changed something
    }
    // A flush: every synapse, no pairings.
    DopamineCase generic(sparse, 5), fast(sparse, 5);
    const kernels::EveryRow<kernels::DopamineLazyRule<float>> every{generic.rule(false), generic.layout()};
    for (int64_t i = 0; i < generic.n_pre; ++i) every(i);
    const kernels::DopamineFlush<float> flush{kernels::OnePiece<float>(fast.rule(false)), sparse ? nullptr : fast.count.data(),
                                              static_cast<int64_t>(fast.w.size()), 16};
    for (int64_t e = 0; e < (flush.n + 15) / 16; ++e) flush(e);
    expect_same_synapses(generic, fast, sparse ? "sparse flush" : "dense flush");
  }
}
