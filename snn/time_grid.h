// snn/time_grid.h — times in ms as whole steps of dt: the one place that decides what lies on the grid.
//
// A time is on the grid when t / dt is within 1e-9 (relative) of a whole number: the tolerance absorbs
// the rounding of decimal times (0.3 ms / 0.1 ms = 2.9999999999999996). Times that NEST rounds to the
// resolution (t_ref, drawn delays) use nearest_steps() instead.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "snn/errors.h"

namespace snn {

// The whole number of steps nearest to t_ms.
inline int64_t nearest_steps(double t_ms, double dt) { return std::llround(t_ms / dt); }

// Whether t_ms is a whole number of steps of dt.
inline bool on_grid(double t_ms, double dt) {
  const double steps = t_ms / dt;
  return std::abs(steps - static_cast<double>(std::llround(steps))) <= 1e-9 * std::max(1.0, std::abs(steps));
}

// The steps in t_ms, which must be finite and on the grid; otherwise a ValueError that reads
// "<what> <t_ms> ms is not a multiple of dt = <dt> ms (it would be rounded to <r> ms)".
inline int64_t grid_steps(double t_ms, double dt, const std::string& what) {
  if (!std::isfinite(t_ms)) throw_value_error(what, " must be finite, got ", t_ms, " ms");
  if (!on_grid(t_ms, dt)) {
    throw_value_error(what, " ", t_ms, " ms is not a multiple of dt = ", dt, " ms (it would be rounded to ",
                      static_cast<double>(nearest_steps(t_ms, dt)) * dt, " ms)");
  }
  return nearest_steps(t_ms, dt);
}

}  // namespace snn
