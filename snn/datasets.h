// snn/datasets.h — MNIST-format IDX files (gzipped or raw).
//
// IDX (LeCun et al.): a 4-byte magic number 0x00 0x00 <type> <number of dimensions>, then each
// dimension as a big-endian int32, then the values in row-major order. MNIST and Fashion-MNIST use
// type 0x08 (unsigned byte): images have 3 dimensions [N, rows, cols], labels 1 [N].
// Every problem (missing file, wrong magic, unsupported type, truncated data, trailing bytes,
// mismatched counts) is a ValueError naming the file and what was found.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <utility>

namespace snn {
namespace datasets {

// The file's values as a uint8 tensor with the file's dimensions. `expected_dims` (> 0) is checked.
at::Tensor read_idx(const std::string& path, int64_t expected_dims = 0);
// Images [N, rows, cols] (uint8) and labels [N] (int64); the counts must agree.
std::pair<at::Tensor, at::Tensor> read_images_and_labels(const std::string& images_path, const std::string& labels_path);
// Writes a uint8 tensor as IDX (gzip-compressed when `gzip`); used by tests and for exporting data.
void write_idx(const std::string& path, const at::Tensor& data, bool gzip);

}  // namespace datasets
}  // namespace snn
