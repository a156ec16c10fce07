// snn/connection_rules.h — which synapses a connection rule makes (internal to connectivity.cpp).
//
// Rules follow NEST's definitions (conn_spec): one_to_one, all_to_all, fixed_indegree,
// fixed_outdegree, pairwise_bernoulli, fixed_total_number, with allow_autapses / allow_multapses.
// Random choices use the counter-based generator (snn/kernels/philox_math.h) on the host, keyed by
// the network seed and the projection's stream (and for fixed_indegree / fixed_outdegree by the
// target / source that draws, for fixed_total_number by the block of draws), so connectivity is the
// same on every device and thread count.
//
// A rule enumerates its synapses in a fixed order (all_to_all and pairwise_bernoulli: row by row,
// synapse (i, j) numbered i N_post + j; the other rules in the order they are drawn: fixed_indegree
// target by target, fixed_outdegree source by source). Synapse s draws its weight and delay with
// index s (snn/connectivity.cpp), so dense and sparse storage of one rule hold the same synapses with
// the same values.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "snn/backend.h"
#include "snn/errors.h"
#include "snn/kernels/philox_math.h"
#include "snn/population.h"
#include "snn/projection.h"

namespace snn {
namespace rules {

// Sequential host generator: uniform integers for the connection rules, on the projection's stream;
// `key` > 0 gives one owner of fixed_indegree / fixed_outdegree its own sequence.
class HostRng {
 public:
  HostRng(uint64_t seed, uint32_t stream, uint64_t key = 0) : seed_(seed), stream_(stream), key_(key) {}
  uint64_t next_u64() {
    const kernels::Philox4 w = kernels::random_words(seed_, stream_, key_, counter_++);
    return (static_cast<uint64_t>(w.v[0]) << 32) | w.v[1];
  }
  // Uniform in [0, n) (multiply-shift; bias below n / 2^64).
  int64_t below(int64_t n) { return scale(next_u64(), n); }
  // Two independent uniforms, in [0, n) and [0, m), from one Philox block.
  std::pair<int64_t, int64_t> below2(int64_t n, int64_t m) {
    const kernels::Philox4 w = kernels::random_words(seed_, stream_, key_, counter_++);
    return {scale((static_cast<uint64_t>(w.v[0]) << 32) | w.v[1], n), scale((static_cast<uint64_t>(w.v[2]) << 32) | w.v[3], m)};
  }

 private:
  static int64_t scale(uint64_t word, int64_t n) {
    return static_cast<int64_t>((static_cast<unsigned __int128>(word) * static_cast<uint64_t>(n)) >> 64);
  }
  uint64_t seed_;
  uint32_t stream_;
  uint64_t key_;
  uint64_t counter_ = 0;
};

// The neurons a rule connects on one side: all of a population, or the listed ones (ConnectSpec's
// pre_neurons / post_neurons). Rules work in list positions; id() maps a position to the neuron.
class Side {
 public:
  Side(const Population& pop, const std::optional<std::vector<int64_t>>& listed, const char* arg, bool unique)
      : pop_size_(pop.global_size()) {
    if (!listed) {
      size_ = pop_size_;
      return;
    }
    ids_ = listed->data();
    size_ = static_cast<int64_t>(listed->size());
    std::vector<uint8_t> seen(static_cast<size_t>(pop_size_), 0);
    for (int64_t k = 0; k < size_; ++k) {
      const int64_t id = ids_[k];
      if (id < 0 || id >= pop_size_) {
        throw_value_error(arg, "[", k, "] = ", id, " is not a neuron of '", pop.name(), "' (", pop_size_, " neurons)");
      }
      if (unique && seen[id]) {
        throw_value_error(arg, " lists neuron ", id, " twice; only one_to_one takes repeated neurons (explicit pairs)");
      }
      seen[id] = 1;
    }
  }
  int64_t size() const { return size_; }
  int64_t id(int64_t k) const { return ids_ ? ids_[k] : k; }
  bool all() const { return ids_ == nullptr; }
  // Whether neuron id is on this side (one bit per neuron of the population).
  std::vector<uint8_t> members() const {
    std::vector<uint8_t> in(static_cast<size_t>(pop_size_), ids_ ? 0 : 1);
    for (int64_t k = 0; ids_ && k < size_; ++k) in[ids_[k]] = 1;
    return in;
  }

 private:
  int64_t pop_size_ = 0, size_ = 0;
  const int64_t* ids_ = nullptr;
};

// Runs fn(i) for i in [0, n_rows) on snn's pool (rows of about row_cost elements); rethrows the first error.
template <class Fn>
inline void parallel_rows(int64_t n_rows, int64_t row_cost, Fn&& fn) {
  backend::for_each_cpu(n_rows, [&fn](int64_t i) { fn(i); }, std::max<int64_t>(1, 65536 / std::max<int64_t>(1, row_cost)));
}

// The synapses of a connection rule, enumerated in the rule's order. Visitors get (s, i, j) in list
// positions of the two sides; pre_id / post_id give the neurons.
//
// A distributed network's process holds neurons [lo, hi) of post (Population::first, size): the rule
// then visits only the synapses onto them, with their global numbers s, i and j (draws and values are
// keyed by those, so every synapse is the same on any number of processes), and post_id(j) is the
// target's place in the block. fixed_indegree draws only the local targets' synapses, the row rules only
// their columns (all of them, skipping the others, when post is a list); fixed_outdegree and
// fixed_total_number replay every draw (replays()) and keep the local ones.
class Enumerator {
 public:
  Enumerator(const ConnectSpec& spec, const Population& pre, const Population& post, uint64_t seed, uint32_t stream)
      : spec_(spec),
        pre_(pre, spec.pre_neurons, "pre_neurons", spec.rule != "one_to_one"),
        post_(post, spec.post_neurons, "post_neurons", spec.rule != "one_to_one"),
        n_pre_(pre_.size()), n_post_(post_.size()), seed_(seed), stream_(stream),
        lo_(post.partitioned() ? post.first() : 0), hi_(post.partitioned() ? post.first() + post.size() : post.size()) {
    const std::string& rule = spec.rule;
    auto needs = [&](bool ok, const std::string& msg) {
      if (!ok) throw ValueError("connect(" + pre.name() + " -> " + post.name() + ", '" + rule + "'): " + msg);
    };
    // Autapses are excluded for neurons on both sides; without lists every neuron is on both.
    no_self_ = &pre == &post && !spec.autapses;
    int64_t overlap = 0;
    if (no_self_ && !(pre_.all() && post_.all())) {
      const std::vector<uint8_t> in_pre = pre_.members();
      if (rule == "one_to_one") {
        for (int64_t k = 0; k < std::min(n_pre_, n_post_); ++k) overlap += pre_.id(k) == post_.id(k);
      } else {
        for (int64_t k = 0; k < n_post_; ++k) overlap += in_pre[post_.id(k)];
      }
      no_self_ = overlap > 0;
    } else if (no_self_) {
      overlap = n_pre_;
    }
    const bool in_both = overlap > 0;  // some neuron may not pick itself
    const int64_t pre_choices = in_both ? n_pre_ - 1 : n_pre_;
    const int64_t post_choices = in_both ? n_post_ - 1 : n_post_;
    if (rule == "one_to_one") {
      needs(n_pre_ == n_post_, cat("one_to_one needs equal sizes, got ", n_pre_, " and ", n_post_));
      expected_ = n_pre_ - overlap;
    } else if (rule == "all_to_all") {
      by_rows_ = true;
      expected_ = n_pre_ * n_post_ - overlap;
    } else if (rule == "pairwise_bernoulli") {
      by_rows_ = true;
      needs(spec.p.has_value(), "p must be given");
      needs(*spec.p >= 0.0 && *spec.p <= 1.0, cat("p must be in [0, 1], got ", *spec.p));
      expected_ = static_cast<int64_t>(*spec.p * static_cast<double>(n_pre_ * n_post_));
      known_ = false;
    } else if (rule == "fixed_indegree" || rule == "fixed_outdegree") {
      by_owner_ = true;
      const bool in = rule == "fixed_indegree";
      const std::optional<int64_t>& given = in ? spec.indegree : spec.outdegree;
      const char* arg = in ? "indegree" : "outdegree";
      needs(given.has_value(), cat(arg, " must be given"));
      const int64_t K = *given;
      const int64_t choices = in ? pre_choices : post_choices;
      needs(K >= 0, cat(arg, " must be >= 0, got ", K));
      needs(spec.multapses || K <= choices, cat(arg, " ", K, " exceeds the ", choices, " possible partners without multapses"));
      needs(K == 0 || choices > 0, cat("no possible partners for ", arg, " ", K));
      expected_ = K * (in ? n_post_ : n_pre_);
    } else if (rule == "fixed_total_number") {
      needs(spec.N.has_value(), "N must be given");
      const int64_t N = *spec.N;
      needs(N >= 0, cat("N must be >= 0, got ", N));
      const int64_t possible = n_pre_ * n_post_ - overlap;
      needs(spec.multapses || N <= possible, cat("N ", N, " exceeds the ", possible, " possible pairs without multapses"));
      needs(N == 0 || possible > 0, cat("no possible pairs for N ", N));
      expected_ = N;
    } else {
      throw_value_error("unknown connection rule '", rule,
                        "'; rules: one_to_one, all_to_all, fixed_indegree, fixed_outdegree, pairwise_bernoulli, fixed_total_number");
    }
    expected_global_ = expected_;
    pos_hi_ = n_post_;
    if (!post.partitioned() || (lo_ == 0 && hi_ == post.global_size())) return;
    // A block of the targets: the positions of the targets held here, contiguous without a list.
    if (post_.all()) {
      pos_lo_ = lo_;
      pos_hi_ = hi_;
    } else {
      local_.assign(static_cast<size_t>(n_post_), 0);
      for (int64_t j = 0; j < n_post_; ++j) {
        if (post_.id(j) < lo_ || post_.id(j) >= hi_) continue;
        local_[j] = 1;
        local_positions_.push_back(j);
      }
    }
    const int64_t local = post_.all() ? hi_ - lo_ : static_cast<int64_t>(local_positions_.size());
    int64_t local_overlap = 0;  // local targets that may not pick themselves
    if (no_self_) {
      const std::vector<uint8_t> in_pre = pre_.members();
      for (int64_t j = 0; j < n_post_; ++j) local_overlap += is_local(j) && in_pre[post_.id(j)];
    }
    replays_ = rule == "fixed_outdegree" || rule == "fixed_total_number";
    if (rule == "one_to_one") {
      expected_ = 0;
      for (int64_t j = 0; j < n_pre_; ++j) expected_ += is_local(j) && !self_pair(j, j);
    }
    if (rule == "all_to_all") expected_ = n_pre_ * local - local_overlap;
    if (rule == "pairwise_bernoulli") expected_ = static_cast<int64_t>(*spec.p * static_cast<double>(n_pre_ * local));
    if (rule == "fixed_indegree") expected_ = *spec.indegree * local;
    if (replays_) known_ = false;
  }

  // Row-by-row rules (all_to_all, pairwise_bernoulli): rows can be enumerated independently.
  bool by_rows() const { return by_rows_; }
  // Number of synapses onto the targets held here (exact unless pairwise_bernoulli, where it is the
  // expectation, or count_known() is false); expected_global() onto all targets.
  int64_t expected() const { return expected_; }
  int64_t expected_global() const { return expected_global_; }
  // fixed_outdegree and fixed_total_number onto a block of targets: every draw is replayed.
  bool replays() const { return replays_; }
  bool count_known() const { return known_; }
  int64_t rows() const { return n_pre_; }
  int64_t pre_id(int64_t i) const { return pre_.id(i); }
  int64_t post_id(int64_t j) const { return post_.id(j) - lo_; }
  // Whether post position j is a target held here.
  bool is_local(int64_t j) const { return local_.empty() ? j >= pos_lo_ && j < pos_hi_ : local_[j] != 0; }
  // fixed_indegree onto a block: the position of local owner o, and the number s of the synapse that
  // is the k-th of local owner o (k-th overall, s = o K + k, elsewhere).
  int64_t owner_position(int64_t o) const {
    if (spec_.rule != "fixed_indegree") return o;
    return local_.empty() ? pos_lo_ + o : local_positions_[static_cast<size_t>(o)];
  }
  int64_t global_synapse(int64_t s) const {
    if (spec_.rule != "fixed_indegree") return s;
    const int64_t K = *spec_.indegree;
    return K == 0 ? s : owner_position(s / K) * K + s % K;
  }

  // Row rules: visit(s, i, j) for the synapses of row i, j ascending. pairwise_bernoulli keeps pair s
  // when the first uniform of Philox block s (step 1) is below p; the blocks are drawn 64 at a time
  // (kernels::random_block, vectorised across counters).
  template <class F>
  void visit_row(int64_t i, F&& visit) const {
    const bool bernoulli = spec_.rule == "pairwise_bernoulli";
    constexpr int64_t kPairs = 64;
    uint32_t words[4 * kPairs];
    for (int64_t j0 = local_.empty() ? pos_lo_ : 0; j0 < (local_.empty() ? pos_hi_ : n_post_); j0 += kPairs) {
      const int64_t m = std::min(kPairs, (local_.empty() ? pos_hi_ : n_post_) - j0);
      if (bernoulli) kernels::random_block(seed_, stream_, 1, static_cast<uint64_t>(i * n_post_ + j0), m, words);
      for (int64_t q = 0; q < m; ++q) {
        const int64_t j = j0 + q;
        if (self_pair(i, j) || (!local_.empty() && !local_[j])) continue;
        if (bernoulli && !(kernels::uniform_open(words[4 * q], words[4 * q + 1]) < *spec_.p)) continue;
        visit(i * n_post_ + j, i, j);
      }
    }
  }

  // Listed rules: visit(s, i, j) for every synapse, s = 0, 1, ... (replays the same draws every call).
  template <class F>
  void visit_all(F&& visit) const {
    const std::string& rule = spec_.rule;
    int64_t s = 0;
    if (rule == "one_to_one") {
      for (int64_t i = 0; i < n_pre_; ++i) {
        if (self_pair(i, i)) continue;
        if (is_local(i)) visit(s, i, i);
        ++s;
      }
      return;
    }
    if (rule == "fixed_total_number") {
      std::vector<int32_t> pre(static_cast<size_t>(*spec_.N)), post(static_cast<size_t>(*spec_.N));
      draw_total(pre.data(), post.data());
      for (; s < *spec_.N; ++s) {
        if (is_local(post[s])) visit(s, pre[s], post[s]);
      }
      return;
    }
    for (int64_t o = 0; o < owners(); ++o) visit_owner(o, visit);
  }

  // fixed_total_number: the list positions (pre[s], post[s]) of its N synapses (arrays of N). Pairs are drawn
  // uniformly in blocks of kTotalBlock, block b from its own sequence (HostRng key b + 1), in parallel;
  // without multapses a pair drawn before is then redrawn, in the order of s, from one more sequence
  // (key blocks + 1). The result does not depend on the thread count.
  static constexpr int64_t kTotalBlock = 65536;
  void draw_total(int32_t* pre, int32_t* post) const {
    const int64_t N = *spec_.N, blocks = (N + kTotalBlock - 1) / kTotalBlock;
    auto draw = [this](HostRng& rng, int64_t& i, int64_t& j) {
      do {
        std::tie(i, j) = rng.below2(n_pre_, n_post_);
      } while (self_pair(i, j));
    };
    parallel_rows(blocks, kTotalBlock, [&](int64_t b) {
      HostRng rng(seed_, stream_, static_cast<uint64_t>(b) + 1);
      for (int64_t s = b * kTotalBlock, end = std::min(N, s + kTotalBlock); s < end; ++s) {
        int64_t i, j;
        draw(rng, i, j);
        pre[s] = static_cast<int32_t>(i);
        post[s] = static_cast<int32_t>(j);
      }
    });
    if (spec_.multapses) return;
    std::vector<uint8_t> taken(static_cast<size_t>(n_pre_ * n_post_), 0);
    HostRng again(seed_, stream_, static_cast<uint64_t>(blocks) + 1);
    for (int64_t s = 0; s < N; ++s) {
      int64_t i = pre[s], j = post[s];
      while (taken[i * n_post_ + j]) draw(again, i, j);
      taken[i * n_post_ + j] = 1;
      pre[s] = static_cast<int32_t>(i);
      post[s] = static_cast<int32_t>(j);
    }
  }

  // fixed_indegree / fixed_outdegree: the owners are the targets / the sources, each with exactly K
  // synapses, s = o K + k. Owner o draws its partners from its own sequence (HostRng key o + 1), so
  // owners can be enumerated in parallel, in any order, with the same result (and a process that
  // holds some of the targets can draw theirs alone).
  bool by_owner() const { return by_owner_; }
  // (fixed_indegree onto a block: its owners, numbered from 0; visit_owner(o) draws for target
  // position owner_position(o).)
  int64_t owners() const {
    if (spec_.rule != "fixed_indegree") return n_pre_;
    return local_.empty() ? pos_hi_ - pos_lo_ : static_cast<int64_t>(local_positions_.size());
  }
  template <class F>
  void visit_owner(int64_t o, F&& visit) const {
    const bool in = spec_.rule == "fixed_indegree";
    if (in) o = owner_position(o);
    const int64_t K = in ? *spec_.indegree : *spec_.outdegree;
    const int64_t partners = in ? n_pre_ : n_post_;
    thread_local std::vector<uint8_t> taken;  // all 0 between calls
    thread_local std::vector<int64_t> chosen;
    if (!spec_.multapses && static_cast<int64_t>(taken.size()) < partners) taken.assign(static_cast<size_t>(partners), 0);
    chosen.clear();
    HostRng rng(seed_, stream_, static_cast<uint64_t>(o) + 1);
    while (static_cast<int64_t>(chosen.size()) < K) {
      const int64_t c = rng.below(partners);
      if (in ? self_pair(c, o) : self_pair(o, c)) continue;
      if (!spec_.multapses) {
        if (taken[c]) continue;
        taken[c] = 1;
      }
      chosen.push_back(c);
    }
    int64_t s = o * K;
    for (int64_t c : chosen) {
      if (!spec_.multapses) taken[c] = 0;
      if (in) {
        visit(s++, c, o);
      } else {
        if (is_local(c)) visit(s, o, c);
        ++s;
      }
    }
  }

 private:
  bool self_pair(int64_t i, int64_t j) const { return no_self_ && pre_.id(i) == post_.id(j); }
  const ConnectSpec& spec_;
  Side pre_, post_;
  int64_t n_pre_, n_post_;
  bool no_self_ = false;
  uint64_t seed_;
  uint32_t stream_;
  bool by_rows_ = false;
  bool by_owner_ = false;
  bool known_ = true;
  bool replays_ = false;
  int64_t expected_ = 0, expected_global_ = 0;
  int64_t lo_, hi_;  // the neurons of post held here (all of them unless it is partitioned)
  // Post positions onto targets held here: [pos_lo_, pos_hi_) when local_ is empty, else where local_ is 1.
  int64_t pos_lo_ = 0, pos_hi_ = 0;
  std::vector<uint8_t> local_;
  std::vector<int64_t> local_positions_;
};

}  // namespace rules
}  // namespace snn
