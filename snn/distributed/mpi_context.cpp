// snn/distributed/mpi_context.cpp — see mpi_context.h.
#include "snn/distributed/mpi_context.h"

#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <stdexcept>
#include <string>

namespace snn {
namespace distributed {

namespace {

void check(int code, const char* what) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw std::runtime_error(std::string("MPI: ") + what + " failed: " + std::string(text, static_cast<size_t>(length)));
}

bool finalise_at_exit = false;

void finalise() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace

MpiContext::MpiContext() {
  int initialized = 0;
  check(MPI_Initialized(&initialized), "MPI_Initialized");
  if (!initialized) {
    // Only the calling thread talks to MPI; snn's pool threads never do.
    int provided = 0;
    check(MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    finalise_at_exit = true;
    std::atexit(finalise);
  }
  check(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN), "MPI_Comm_set_errhandler");
  check(MPI_Comm_rank(MPI_COMM_WORLD, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(MPI_COMM_WORLD, &size_), "MPI_Comm_size");
}

MpiContext& MpiContext::get() {
  static MpiContext context;
  return context;
}

// Every rank's length (`mine`), and where each rank's part starts in the gathered whole; returns the total.
int64_t MpiContext::gather_lengths(size_t mine, std::vector<int>& sizes, std::vector<int>& offsets) const {
  if (mine > static_cast<size_t>(std::numeric_limits<int>::max())) throw std::runtime_error("MPI: a part of more than 2^31 - 1 elements");
  const int length = static_cast<int>(mine);
  sizes.assign(static_cast<size_t>(size_), 0);
  offsets.assign(static_cast<size_t>(size_), 0);
  check(MPI_Allgather(&length, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather (lengths)");
  int64_t total = 0;
  for (int r = 0; r < size_; ++r) {
    offsets[r] = static_cast<int>(total);
    total += sizes[r];
  }
  if (total > std::numeric_limits<int>::max()) throw std::runtime_error("MPI: a gather of more than 2^31 - 1 elements");
  return total;
}

std::vector<int64_t> MpiContext::allgather(const std::vector<int64_t>& local, std::vector<int64_t>* counts) const {
  const int mine = static_cast<int>(local.size());
  std::vector<int> sizes, offsets;
  const int64_t total = gather_lengths(local.size(), sizes, offsets);
  std::vector<int64_t> all(static_cast<size_t>(total));
  check(MPI_Allgatherv(local.data(), mine, MPI_INT64_T, all.data(), sizes.data(), offsets.data(), MPI_INT64_T,
                       MPI_COMM_WORLD),
        "MPI_Allgatherv");
  if (counts) counts->assign(sizes.begin(), sizes.end());
  return all;
}

std::vector<std::string> MpiContext::allgather_bytes(const std::string& local) const {
  const int mine = static_cast<int>(local.size());
  std::vector<int> sizes, offsets;
  const int64_t total = gather_lengths(local.size(), sizes, offsets);
  std::string all(static_cast<size_t>(total), '\0');
  check(MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD),
        "MPI_Allgatherv (bytes)");
  std::vector<std::string> out;
  for (int r = 0; r < size_; ++r) out.push_back(all.substr(static_cast<size_t>(offsets[r]), static_cast<size_t>(sizes[r])));
  return out;
}

bool MpiContext::same_on_all(uint64_t value) const {
  uint64_t lo = 0, hi = 0;
  check(MPI_Allreduce(&value, &lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD), "MPI_Allreduce (min)");
  check(MPI_Allreduce(&value, &hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD), "MPI_Allreduce (max)");
  return lo == hi;
}

void MpiContext::abort(int code) const {
  MPI_Abort(MPI_COMM_WORLD, code);
  std::_Exit(code);  // MPI_Abort does not return; if it did, end this process anyway
}

void MpiContext::barrier() const { check(MPI_Barrier(MPI_COMM_WORLD), "MPI_Barrier"); }

}  // namespace distributed
}  // namespace snn
