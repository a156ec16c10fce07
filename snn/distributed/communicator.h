// snn/distributed/communicator.h — what a distributed network needs of the processes it runs on: its
// rank, their number, and one collective (docs/distributed.md). libsnn stays free of MPI: the MPI
// implementation lives in libsnn_mpi (snn/distributed/mpi_context.h) and reaches a Network through
// Python (snn._mpi.communicator(), a capsule); a distributed network outside mpirun uses local().
#pragma once

#include <cstdint>
#include <vector>

namespace snn {
namespace distributed {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Every rank's `local`, concatenated in rank order; counts (if given) gets each rank's length.
  virtual std::vector<int64_t> allgather(const std::vector<int64_t>& local, std::vector<int64_t>* counts = nullptr) const = 0;

  // One process (rank 0 of 1): the collective returns what it is given.
  static const Communicator& local();
};

// The name of the PyCapsule that carries a `const Communicator*` from snn._mpi to snn._snn.
constexpr const char* kCommunicatorCapsule = "snn.distributed.Communicator";

}  // namespace distributed
}  // namespace snn
