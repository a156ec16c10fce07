// snn/datasets.cpp — IDX reading and writing through zlib (gzread reads plain files too).
#include "snn/datasets.h"

#include <zlib.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "snn/errors.h"

namespace snn {
namespace datasets {

namespace {

struct GzFile {
  gzFile f;
  explicit GzFile(gzFile file) : f(file) {}
  ~GzFile() {
    if (f) gzclose(f);
  }
};

int64_t read_exact(gzFile f, void* dst, int64_t bytes) {
  int64_t done = 0;
  char* p = static_cast<char*>(dst);
  while (done < bytes) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(bytes - done, 1 << 30));
    const int got = gzread(f, p + done, chunk);
    if (got <= 0) break;
    done += got;
  }
  return done;
}

}  // namespace

at::Tensor read_idx(const std::string& path, int64_t expected_dims) {
  GzFile file(gzopen(path.c_str(), "rb"));
  if (!file.f) throw_value_error("cannot open IDX file '", path, "'");
  unsigned char magic[4];
  if (read_exact(file.f, magic, 4) != 4) throw_value_error("IDX file '", path, "' is truncated: no magic number");
  if (magic[0] != 0 || magic[1] != 0) {
    throw_value_error("'", path, "' is not an IDX file: magic number starts with bytes ", int(magic[0]), " ", int(magic[1]),
                      ", expected 0 0");
  }
  if (magic[2] != 0x08) {
    throw_value_error("IDX file '", path, "' holds type 0x", std::hex, int(magic[2]), std::dec,
                      "; only unsigned bytes (0x08) are supported");
  }
  const int64_t ndims = magic[3];
  if (ndims < 1 || ndims > 4) throw_value_error("IDX file '", path, "' declares ", ndims, " dimensions (1 to 4 supported)");
  if (expected_dims > 0 && ndims != expected_dims) {
    throw_value_error("IDX file '", path, "' has ", ndims, " dimensions, expected ", expected_dims);
  }
  std::vector<int64_t> dims;
  int64_t total = 1;
  for (int64_t d = 0; d < ndims; ++d) {
    unsigned char be[4];
    if (read_exact(file.f, be, 4) != 4) throw_value_error("IDX file '", path, "' is truncated in its header");
    const int64_t size = (int64_t(be[0]) << 24) | (int64_t(be[1]) << 16) | (int64_t(be[2]) << 8) | int64_t(be[3]);
    if (size <= 0) throw_value_error("IDX file '", path, "': dimension ", d, " has size ", size);
    if (total > (int64_t{1} << 48) / size) throw_value_error("IDX file '", path, "' announces more than 2^48 values");
    dims.push_back(size);
    total *= size;
  }
  // Read in pieces: memory follows what the file holds, not what its header announces.
  constexpr int64_t kPiece = int64_t{1} << 24;
  std::vector<uint8_t> data;
  while (static_cast<int64_t>(data.size()) < total) {
    const int64_t have = static_cast<int64_t>(data.size()), want = std::min(kPiece, total - have);
    data.resize(static_cast<size_t>(have + want));
    const int64_t got = read_exact(file.f, data.data() + have, want);
    if (got < want) {
      throw_value_error("IDX file '", path, "' is truncated: its header announces ", total, " values, it holds ", have + got);
    }
  }
  at::Tensor out = at::empty(dims, at::kByte);
  if (total) std::memcpy(out.data_ptr<uint8_t>(), data.data(), static_cast<size_t>(total));
  unsigned char extra;
  if (read_exact(file.f, &extra, 1) == 1) {
    throw_value_error("IDX file '", path, "' holds more data than its header announces (", total, " values)");
  }
  return out;
}

std::pair<at::Tensor, at::Tensor> read_images_and_labels(const std::string& images_path, const std::string& labels_path) {
  at::Tensor images = read_idx(images_path, 3);
  at::Tensor labels = read_idx(labels_path, 1);
  if (images.size(0) != labels.size(0)) {
    throw_value_error("'", images_path, "' holds ", images.size(0), " images but '", labels_path, "' holds ", labels.size(0),
                      " labels");
  }
  return {images, labels.to(at::kLong)};
}

void write_idx(const std::string& path, const at::Tensor& data, bool gzip) {
  if (data.scalar_type() != at::kByte) throw_type_error("write_idx: data must be uint8, got ", data.scalar_type());
  if (data.dim() < 1 || data.dim() > 4) throw_value_error("write_idx: data must have 1 to 4 dimensions, got ", data.dim());
  const at::Tensor c = data.contiguous().cpu();
  std::vector<unsigned char> header = {0, 0, 0x08, static_cast<unsigned char>(c.dim())};
  for (int64_t d = 0; d < c.dim(); ++d) {
    const auto s = static_cast<uint32_t>(c.size(d));
    for (int shift : {24, 16, 8, 0}) header.push_back(static_cast<unsigned char>((s >> shift) & 0xFF));
  }
  GzFile file(gzopen(path.c_str(), gzip ? "wb9" : "wbT"));  // "T": transparent, no compression
  if (!file.f) throw_value_error("cannot write IDX file '", path, "'");
  if (gzwrite(file.f, header.data(), static_cast<unsigned>(header.size())) != static_cast<int>(header.size()) ||
      (c.numel() > 0 && gzwrite(file.f, c.data_ptr<uint8_t>(), static_cast<unsigned>(c.numel())) != static_cast<int>(c.numel()))) {
    throw_value_error("writing IDX file '", path, "' failed");
  }
}

}  // namespace datasets
}  // namespace snn
