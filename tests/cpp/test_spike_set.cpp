// tests/cpp/test_spike_set.cpp — the lists of neurons that spiked (snn/spike_set.h), against a plain scan.
#include <ATen/Parallel.h>

#include <cmath>

#include "helpers.h"

using namespace snn;
using snn_test::conn;
using snn_test::options;
using snn_test::spike_times;

TEST(SpikeSet, ListsEveryEntrysSpikesAscendingOnAnyThreadCount) {
  // [48, 1000] spikes (counts 1 and 2, about 2 %, and entries without any): the set against a plain
  // scan. 48 000 elements: the entries are scanned on two threads.
  at::Tensor spikes = (at::rand({48, 1000}, at::TensorOptions().dtype(at::kFloat)) < 0.02).to(at::kFloat);
  spikes.select(1, 7).fill_(2.0f);
  spikes.select(0, 5).zero_();
  spikes.select(0, 47).zero_();
  const float* s = spikes.data_ptr<float>();
  const int before = at::get_num_threads();
  for (int threads : {1, 2}) {
    at::set_num_threads(threads);
    SpikeSet set;
    set.build(spikes);
    const kernels::ActiveSet a = set.view();
    ASSERT_NE(a.by_entry, nullptr);
    std::vector<int32_t> union_list;
    int64_t events = 0;
    for (int32_t i = 0; i < 1000; ++i) {
      std::vector<int32_t> entries;
      for (int32_t b = 0; b < 48; ++b) {
        if (s[b * 1000 + i] != 0.0f) entries.push_back(b);
      }
      EXPECT_EQ(a.flag[i], entries.empty() ? 0 : 1) << i;
      if (entries.empty()) continue;
      union_list.push_back(i);
      events += static_cast<int64_t>(entries.size());
      EXPECT_EQ(std::vector<int32_t>(a.entries + a.first[i], a.entries + a.first[i] + a.size[i]), entries) << i;
    }
    EXPECT_EQ(std::vector<int32_t>(a.list, a.list + *a.count), union_list);
    EXPECT_EQ(set.bound(), static_cast<int64_t>(union_list.size()));
    EXPECT_EQ(set.events(), events);
    for (int32_t b = 0, q = 0; b < 48; ++b) {
      std::vector<int32_t> own;
      for (int32_t i = 0; i < 1000; ++i) {
        if (s[b * 1000 + i] != 0.0f) own.push_back(i);
      }
      EXPECT_EQ(std::vector<int32_t>(a.by_entry + q, a.by_entry + a.entry_end[b]), own) << "entry " << b;
      q = a.entry_end[b];
    }
  }
  at::set_num_threads(before);
}
