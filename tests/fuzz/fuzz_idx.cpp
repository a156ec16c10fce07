// tests/fuzz/fuzz_idx.cpp — the IDX reader (plain or gzip) on arbitrary bytes: a ValueError or a
// tensor, never a crash, a sanitizer report, or an allocation the file's contents do not justify.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "snn/datasets.h"
#include "snn/errors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = (access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp") + std::string("/snn_fuzz_idx_") +
                                  std::to_string(getpid());
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  try {
    const at::Tensor t = snn::datasets::read_idx(path);
    if (t.numel() > static_cast<int64_t>(size) * 1100) __builtin_trap();  // more values than gzip can expand to
  } catch (const snn::ValueError&) {
  }
  return 0;
}
