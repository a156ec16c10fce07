// snn/checkpoint_file.cpp — the checkpoint file format: writing entries, and reading them back with
// every length bounds-checked (the parser the fuzz harnesses of tests/fuzz/ exercise).
#include <cstring>
#include <ostream>
#include <set>
#include <sstream>

#include "snn/checkpoint.h"
#include "snn/errors.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "checkpoints are written little-endian, as the host stores them");

namespace snn {

namespace {

// ---- the file format ----------------------------------------------------------------------------
//
//   bytes 0-7    magic "SNNCKPT\n"
//   8-11         uint32 format version
//   12-15        uint32 0 (reserved)
//   16-23        uint64 payload length L
//   24 .. 24+L   payload: uint64 entry count; per entry: uint32 name length, name (UTF-8), uint8 dtype
//                code, uint8 number of dimensions d, d x int64 sizes, uint64 byte count, raw little-endian data
//   24+L .. +8   uint64 FNV-1a (64 bit) of the payload
// All integers little-endian.

constexpr char kMagic[8] = {'S', 'N', 'N', 'C', 'K', 'P', 'T', '\n'};
constexpr size_t kHeader = 24;
constexpr uint32_t kMaxName = 4096;
constexpr uint8_t kMaxDims = 8;

const std::pair<uint8_t, at::ScalarType> kDtypes[] = {
    {1, at::kFloat}, {2, at::kDouble}, {3, at::kLong}, {4, at::kInt}, {5, at::kShort}, {6, at::kByte}, {7, at::kBool},
};

uint8_t dtype_code(at::ScalarType t, const std::string& name) {
  for (const auto& [code, type] : kDtypes) {
    if (type == t) return code;
  }
  throw_value_error("checkpoint entry '", name, "' has dtype ", t, ", which checkpoints do not store");
}

uint64_t fnv1a(const uint8_t* p, size_t n, uint64_t h = 0xcbf29ce484222325ULL) {
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Writes to a stream and keeps the checksum of what it wrote.
struct Writer {
  std::ostream& os;
  uint64_t hash = 0xcbf29ce484222325ULL;
  void bytes(const void* p, size_t n) {
    hash = fnv1a(static_cast<const uint8_t*>(p), n, hash);
    os.write(static_cast<const char*>(p), static_cast<std::streamsize>(n));
  }
  template <class T>
  void value(T v) {
    bytes(&v, sizeof(T));
  }
};

}  // namespace

void write_checkpoint(std::ostream& os, const StateDict& entries) {
  std::vector<at::Tensor> host;
  host.reserve(entries.size());
  uint64_t length = sizeof(uint64_t);
  for (const auto& [name, t] : entries) {
    if (name.size() > kMaxName) throw_value_error("checkpoint entry name longer than ", kMaxName, " bytes: '", name.substr(0, 64), "...'");
    dtype_code(t.scalar_type(), name);
    host.push_back(t.contiguous().cpu());
    length += 4 + name.size() + 2 + 8 * static_cast<uint64_t>(t.dim()) + 8 + host.back().nbytes();
  }
  os.write(kMagic, sizeof(kMagic));
  const uint32_t version = kCheckpointVersion, reserved = 0;
  os.write(reinterpret_cast<const char*>(&version), 4);
  os.write(reinterpret_cast<const char*>(&reserved), 4);
  os.write(reinterpret_cast<const char*>(&length), 8);
  Writer w{os};
  w.value<uint64_t>(entries.size());
  for (size_t k = 0; k < entries.size(); ++k) {
    const std::string& name = entries[k].first;
    const at::Tensor& t = host[k];
    w.value<uint32_t>(static_cast<uint32_t>(name.size()));
    w.bytes(name.data(), name.size());
    w.value<uint8_t>(dtype_code(t.scalar_type(), name));
    w.value<uint8_t>(static_cast<uint8_t>(t.dim()));
    for (int64_t s : t.sizes()) w.value<int64_t>(s);
    w.value<uint64_t>(t.nbytes());
    w.bytes(t.data_ptr(), t.nbytes());
  }
  const uint64_t hash = w.hash;
  os.write(reinterpret_cast<const char*>(&hash), 8);
}

namespace {

// Reads the payload with bounds checks: every malformed input is a ValueError.
class Reader {
 public:
  Reader(const uint8_t* p, size_t n) : p_(p), end_(p + n) {}
  template <class T>
  T value(const char* what) {
    T v;
    std::memcpy(&v, take(sizeof(T), what), sizeof(T));
    return v;
  }
  const uint8_t* take(uint64_t n, const char* what) {
    if (n > static_cast<uint64_t>(end_ - p_)) throw_value_error("checkpoint is malformed: ", what, " runs past the end of the payload");
    const uint8_t* at = p_;
    p_ += n;
    return at;
  }
  bool done() const { return p_ == end_; }

 private:
  const uint8_t* p_;
  const uint8_t* end_;
};

StateDict decode_payload(const uint8_t* data, size_t size) {
  Reader r(data, size);
  const uint64_t count = r.value<uint64_t>("the entry count");
  // Each entry takes at least 22 bytes: a count beyond that is a lie, not a reason to reserve memory.
  if (count > size / 22) throw_value_error("checkpoint is malformed: ", count, " entries cannot fit in ", size, " bytes");
  StateDict out;
  out.reserve(static_cast<size_t>(count));
  std::set<std::string> names;
  for (uint64_t k = 0; k < count; ++k) {
    const uint32_t len = r.value<uint32_t>("a name length");
    if (len == 0 || len > kMaxName) throw_value_error("checkpoint is malformed: entry ", k, " has a name of ", len, " bytes");
    const uint8_t* name_bytes = r.take(len, "a name");
    std::string name(reinterpret_cast<const char*>(name_bytes), len);
    if (!names.insert(name).second) throw_value_error("checkpoint is malformed: '", name, "' appears twice");
    const uint8_t code = r.value<uint8_t>("a dtype");
    at::ScalarType type = at::ScalarType::Undefined;
    for (const auto& [c, t] : kDtypes) {
      if (c == code) type = t;
    }
    if (type == at::ScalarType::Undefined) throw_value_error("checkpoint is malformed: '", name, "' has unknown dtype code ", int(code));
    const uint8_t dims = r.value<uint8_t>("a dimension count");
    if (dims > kMaxDims) throw_value_error("checkpoint is malformed: '", name, "' has ", int(dims), " dimensions");
    std::vector<int64_t> shape(dims);
    uint64_t numel = 1;
    for (auto& s : shape) {
      s = r.value<int64_t>("a size");
      if (s < 0 || static_cast<uint64_t>(s) > size) throw_value_error("checkpoint is malformed: '", name, "' has size ", s);
      numel *= static_cast<uint64_t>(s);  // bounded: each factor <= size, and checked against nbytes below
      if (numel > size) numel = size + 1;
    }
    const uint64_t nbytes = r.value<uint64_t>("a byte count");
    if (numel > size || nbytes != numel * at::elementSize(type)) {
      throw_value_error("checkpoint is malformed: '", name, "' holds ", nbytes, " bytes, not what its shape needs");
    }
    const uint8_t* bytes = r.take(nbytes, "tensor data");
    at::Tensor t = at::empty(shape, at::TensorOptions().dtype(type));
    if (nbytes) std::memcpy(t.data_ptr(), bytes, nbytes);
    if (type == at::kBool) t = t.to(at::kByte).clamp_max(1).to(at::kBool);  // only 0 and 1 are bools
    out.emplace_back(std::move(name), std::move(t));
  }
  if (!r.done()) throw_value_error("checkpoint is malformed: bytes follow the last entry");
  return out;
}

}  // namespace

std::string encode_checkpoint(const StateDict& entries) {
  std::ostringstream os;
  write_checkpoint(os, entries);
  return os.str();
}

StateDict decode_checkpoint(const void* data, size_t size) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  if (size < 8 || std::memcmp(p, kMagic, 8) != 0) throw_value_error("not an snn checkpoint (its first bytes are not 'SNNCKPT')");
  if (size < kHeader) throw_value_error("checkpoint is truncated: ", size, " bytes, shorter than its header");
  uint32_t version;
  uint64_t length;
  std::memcpy(&version, p + 8, 4);
  std::memcpy(&length, p + 16, 8);
  if (version > kCheckpointVersion || version == 0) {
    throw_value_error("checkpoint has format version ", version, "; this snn reads versions 1 to ", kCheckpointVersion,
                      version > kCheckpointVersion ? " (it was written by a newer snn)" : "");
  }
  if (length > size - kHeader || size - kHeader - length < 8) {
    throw_value_error("checkpoint is truncated: ", size, " bytes, but its header promises ", length, " bytes of payload",
                      " and an 8-byte checksum");
  }
  if (size - kHeader - length > 8) throw_value_error("checkpoint has ", size - kHeader - length - 8, " bytes after its checksum");
  uint64_t stored;
  std::memcpy(&stored, p + kHeader + length, 8);
  if (fnv1a(p + kHeader, static_cast<size_t>(length)) != stored) {
    throw_value_error("checkpoint is corrupted: its checksum does not match its contents");
  }
  return decode_payload(p + kHeader, static_cast<size_t>(length));
}

}  // namespace snn
