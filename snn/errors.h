// snn/errors.h — the exceptions snn throws at its API boundary, and helpers that build their messages.
//
// Every argument check names the argument and shows the value it got ("tau_m must be > 0 ms, got -3").
// In Python they arrive as ValueError (snn::ValueError), TypeError (snn::TypeError), and
// snn.MonitorFullError (a RuntimeError). A call that throws leaves the network as it was.
#pragma once

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace snn {

struct ValueError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct TypeError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

// A monitor with on_full = "error" cannot take the next step's records. The run stops before that
// step; everything recorded so far is kept in the monitor.
struct MonitorFullError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Concatenates its arguments with operator<<; doubles are printed with up to 10 significant digits.
template <typename... Args>
std::string cat(const Args&... args) {
  std::ostringstream os;
  os.precision(10);
  (os << ... << args);
  return os.str();
}

// "a, b, c" (for messages that list the names a caller could have used); `empty` when there are none.
inline std::string join(const std::vector<std::string>& names, const std::string& empty = "") {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? empty : out;
}

template <typename... Args>
[[noreturn]] void throw_value_error(const Args&... args) {
  throw ValueError(cat(args...));
}

template <typename... Args>
[[noreturn]] void throw_type_error(const Args&... args) {
  throw TypeError(cat(args...));
}

}  // namespace snn
