// tests/fuzz/fuzz_checkpoint.cpp — a checkpoint file's bytes, as snn::load reads them: decoded and, when
// they decode, rebuilt into a network. A ValueError/TypeError or a network, never a crash.
#include "snn/checkpoint.h"
#include "snn/errors.h"
#include "snn/network.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const snn::StateDict entries = snn::decode_checkpoint(data, size);
    snn::restore(entries)->run_steps(2);
  } catch (const std::invalid_argument&) {  // snn::ValueError and snn::TypeError
  }
  return 0;
}
