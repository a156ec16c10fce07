// snn/distributed/mpi_context.h — this process's place in an MPI run (`mpirun -np N python3 script.py`):
// its rank, the number of processes, and the collectives a distributed run needs (issue 23,
// docs/distributed.md). Built as libsnn_mpi only when CMake finds MPI, so libsnn stays free of it.
//
// MPI is initialised on first use, unless the host (mpi4py, MUSIC) did it already, and finalised at
// exit only when snn initialised it. Errors of MPI calls come back as exceptions
// (MPI_ERRORS_RETURN on MPI_COMM_WORLD), never as an abort of the process.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "snn/distributed/communicator.h"

namespace snn {
namespace distributed {

class MpiContext : public Communicator {
 public:
  static MpiContext& get();

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::vector<int64_t> allgather(const std::vector<int64_t>& local, std::vector<int64_t>* counts = nullptr) const override;
  // Every rank's bytes, in rank order (monitors gathering their events).
  std::vector<std::string> allgather_bytes(const std::string& local) const;
  // Whether every rank passed the same value: a cheap check that the ranks build the same network.
  bool same_on_all(uint64_t value) const;
  void barrier() const;
  // MPI_Abort on MPI_COMM_WORLD: every process of the run ends with `code`.
  [[noreturn]] void abort(int code) const;

 private:
  MpiContext();
  int64_t gather_lengths(size_t mine, std::vector<int>& sizes, std::vector<int>& offsets) const;
  int rank_ = 0, size_ = 1;
};

}  // namespace distributed
}  // namespace snn
