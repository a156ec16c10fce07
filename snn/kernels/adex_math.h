// snn/kernels/adex_math.h — adaptive exponential integrate-and-fire with exponential conductances:
// NEST aeif_cond_exp (Brette & Gerstner 2005).
//
//   C_m dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_th)/Delta_T) - g_ex (V - E_ex) - g_in (V - E_in) - w + I_e
//   tau_w dw/dt = a (V - E_L) - w,   dg_x/dt = -g_x / tau_syn_x
// [mV, ms, pF, nS, pA]. In the right-hand side V is min(V, V_peak), and while refractory V is V_reset
// and dV/dt = 0 (NEST's dynamics function). A spike when V >= V_peak at the end of a substep: V <-
// V_reset, w += b, refractory for t_ref (NEST's counting: the step of the spike and round(t_ref/h)
// more). Incoming spikes enter g_ex (w > 0, nS) or g_in (w < 0, |w|) after the step (NEST adds them
// at the end of the step they arrive in).
// Integration: adaptive Runge-Kutta-Fehlberg 4(5), advanced with the 5th-order solution, each substep
// accepted when every component's error estimate is <= 1.1 gsl_error_tol (absolute); the step size
// follows GSL's standard control (x0.9 (tol/err)^(1/5) on a rejection, at least x0.2; x0.9
// (tol/err)^(1/6) when err < 0.5 tol, at most x5), as NEST's GSL RKF45 does, and is kept per neuron
// between steps. Several spikes in one step are counted. At most max_substeps substeps per step.
#pragma once

#include "snn/kernels/common.h"

namespace snn {
namespace kernels {

// Always in double (T is NeuronConstants' key; the integration runs in double for any network dtype).
template <typename T>
struct AdexParams {
  double C_m, g_L, E_L, V_th, Delta_T, tau_w, a, b, V_peak, V_reset, E_ex, E_in, tau_syn_ex, tau_syn_in, I_e, tol;
  int32_t refractory_counts;  // round(t_ref / h)
};

struct AdexState {
  double V, w, ge, gi;
};

SNN_HOST_DEVICE inline AdexState adex_rhs(const AdexState& y, bool refractory, const AdexParams<double>& p) {
  const double V = refractory ? p.V_reset : (y.V < p.V_peak ? y.V : p.V_peak);
  const double I_spike = p.Delta_T == 0.0 ? 0.0 : p.g_L * p.Delta_T * exp_((V - p.V_th) / p.Delta_T);
  AdexState f;
  f.V = refractory ? 0.0 : (-p.g_L * (V - p.E_L) + I_spike - y.ge * (V - p.E_ex) - y.gi * (V - p.E_in) - y.w + p.I_e) / p.C_m;
  f.w = (p.a * (V - p.E_L) - y.w) / p.tau_w;
  f.ge = -y.ge / p.tau_syn_ex;
  f.gi = -y.gi / p.tau_syn_in;
  return f;
}

SNN_HOST_DEVICE inline AdexState adex_axpy(const AdexState& y, double h, const AdexState* k, const double* c, int n) {
  AdexState r = y;
  for (int i = 0; i < n; ++i) {
    r.V += h * c[i] * k[i].V;
    r.w += h * c[i] * k[i].w;
    r.ge += h * c[i] * k[i].ge;
    r.gi += h * c[i] * k[i].gi;
  }
  return r;
}

// One RKF45 step of size h from y: the 5th-order solution in y, the largest |error| / tol returned.
SNN_HOST_DEVICE inline double adex_rkf45(AdexState& y, double h, bool refractory, const AdexParams<double>& p) {
  const double a2[] = {0.25};
  const double a3[] = {3.0 / 32.0, 9.0 / 32.0};
  const double a4[] = {1932.0 / 2197.0, -7200.0 / 2197.0, 7296.0 / 2197.0};
  const double a5[] = {439.0 / 216.0, -8.0, 3680.0 / 513.0, -845.0 / 4104.0};
  const double a6[] = {-8.0 / 27.0, 2.0, -3544.0 / 2565.0, 1859.0 / 4104.0, -11.0 / 40.0};
  const double c5[] = {16.0 / 135.0, 0.0, 6656.0 / 12825.0, 28561.0 / 56430.0, -9.0 / 50.0, 2.0 / 55.0};
  const double ec[] = {1.0 / 360.0, 0.0, -128.0 / 4275.0, -2197.0 / 75240.0, 1.0 / 50.0, 2.0 / 55.0};
  AdexState k[6];
  k[0] = adex_rhs(y, refractory, p);
  k[1] = adex_rhs(adex_axpy(y, h, k, a2, 1), refractory, p);
  k[2] = adex_rhs(adex_axpy(y, h, k, a3, 2), refractory, p);
  k[3] = adex_rhs(adex_axpy(y, h, k, a4, 3), refractory, p);
  k[4] = adex_rhs(adex_axpy(y, h, k, a5, 4), refractory, p);
  k[5] = adex_rhs(adex_axpy(y, h, k, a6, 5), refractory, p);
  const AdexState e = adex_axpy(AdexState{0.0, 0.0, 0.0, 0.0}, h, k, ec, 6);
  y = adex_axpy(y, h, k, c5, 6);
  double err = e.V < 0 ? -e.V : e.V;
  const double others[] = {e.w, e.ge, e.gi};
  for (double x : others) err = (x < 0 ? -x : x) > err ? (x < 0 ? -x : x) : err;
  return err / p.tol;
}

// One network step of one neuron; returns the number of spikes.
SNN_HOST_DEVICE inline int adex_update_one(double& V, double& w, double& ge, double& gi, int32_t& refractory, double& hint,
                                           double h, double in_ex, double in_in, const AdexParams<double>& p,
                                           int32_t max_substeps) {
  AdexState y{V, w, ge, gi};
  const bool held = refractory > 0;  // NEST evaluates it once per step
  double t = 0.0, hs = hint > 0.0 && hint <= h ? hint : h;
  int spikes = 0;
  // Rejected tries count toward max_substeps too, and a step is accepted once it has shrunk to
  // h 1e-9: absurd parameters (a tolerance of 1e-300) cost a bounded amount of work, not a hang.
  const double smallest = h * 1e-9;
  int32_t n = 0;
  for (; t < h && n < max_substeps; ++n) {
    const bool last = hs >= h - t;
    double step = last ? h - t : hs;
    AdexState trial = y;
    double r = adex_rkf45(trial, step, held, p);
    while (r > 1.1 && step > smallest && n < max_substeps) {  // reject: shrink and retry
      double f = 0.9 * exp_(-log_(r) / 5.0);
      step *= f < 0.2 ? 0.2 : f;
      trial = y;
      r = adex_rkf45(trial, step, held, p);
      ++n;
    }
    y = trial;
    t = (step == h - t) ? h : t + step;
    if (r < 0.5) {  // accept and grow the next step
      double f = 0.9 * exp_(-log_(r > 1e-300 ? r : 1e-300) / 6.0);
      hs = step * (f > 5.0 ? 5.0 : (f < 1.0 ? 1.0 : f));
    } else {
      hs = step;
    }
    if (refractory > 0) {
      y.V = p.V_reset;
    } else if (y.V >= p.V_peak) {
      y.V = p.V_reset;
      y.w += p.b;
      refractory = p.refractory_counts > 0 ? p.refractory_counts + 1 : 0;
      ++spikes;
    }
  }
  if (refractory > 0) --refractory;
  V = y.V;
  w = y.w;
  ge = y.ge + in_ex;
  gi = y.gi - in_in;  // inhibitory input arrives with negative weights
  hint = hs;
  return spikes;
}

// Element k = one neuron of the B x N; receptor 0: w > 0, receptor 1: w < 0.
template <typename T>
struct AdexStep {
  T *V, *w, *g_ex, *g_in, *hint, *spikes;
  int32_t* refractory;
  InputRing<T> ring;
  PerNeuron<AdexParams<double>> params;
  double h;
  int32_t max_substeps;
  SNN_HOST_DEVICE void operator()(int64_t k) const {
    const AdexParams<double>& p = params.of(k);
    double v = V[k], ww = w[k], ge = g_ex[k], gi = g_in[k], hs = hint[k];
    const int s = adex_update_one(v, ww, ge, gi, refractory[k], hs, h, static_cast<double>(ring.take(0, k)),
                                  static_cast<double>(ring.take(1, k)), p, max_substeps);
    V[k] = static_cast<T>(v);
    w[k] = static_cast<T>(ww);
    g_ex[k] = static_cast<T>(ge);
    g_in[k] = static_cast<T>(gi);
    hint[k] = static_cast<T>(hs);
    spikes[k] = static_cast<T>(s);
  }
};

// CUDA entry points (snn/kernels/common.h).
SNN_CUDA_KERNEL(AdexStep)

}  // namespace kernels
}  // namespace snn
