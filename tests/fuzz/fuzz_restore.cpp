// tests/fuzz/fuzz_restore.cpp — a checkpoint's payload with a valid header and checksum, so that the
// fuzzer reaches past the checksum: entries decoded, a network rebuilt from them and run for a few
// steps. A ValueError/TypeError or a network that runs, never a crash or a sanitizer report.
#include <cstring>
#include <string>

#include "snn/checkpoint.h"
#include "snn/errors.h"
#include "snn/network.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string file = snn::encode_checkpoint({}).substr(0, 16);  // magic, version, reserved
  const uint64_t length = size;
  file.append(reinterpret_cast<const char*>(&length), 8);
  file.append(reinterpret_cast<const char*>(data), size);
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ULL;
  file.append(reinterpret_cast<const char*>(&h), 8);
  try {
    const snn::StateDict entries = snn::decode_checkpoint(file.data(), file.size());
    snn::restore(entries)->run_steps(3);
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
