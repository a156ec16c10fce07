// snn/neurons/aif2.h — AIF2: conductance-based LIF with AMPA, NMDA and GABA conductances, a dynamic
// threshold and two adaptation conductances; Auryn's AIF2Group, the excitatory neuron of Zenke, Agnes &
// Gerstner (2015) (with the adaptation off, their inhibitory neuron).
//
//   tau_m dV/dt = (E_L - V) + (A_ampa g_ampa + A_nmda g_nmda)(E_ex - V) + (g_gaba + g_a1 + g_a2)(E_in - V)
//   spike when V > V_th + theta: V <- V_reset, theta <- delta_thr (decays with tau_thr), g_a1 += dg_a1,
//   g_a2 += dg_a2; w > 0 adds to g_ampa (NMDA follows it with tau_nmda), w < 0 to g_gaba
// Auryn's integration (forward Euler at its h, conductances decayed exactly): snn/kernels/aif2_math.h.
// Parameters (Auryn's defaults, in mV and ms): E_L -70, E_ex 0, E_in -80, V_th -50, V_reset -70,
// delta_thr 100, tau_thr 5, tau_m 20, tau_ampa 5, tau_nmda 100, tau_gaba 10, ampa_nmda_ratio 1,
// tau_a1 100, dg_a1 0.1, tau_a2 20000, dg_a2 0.002. State: V_m [mV], g_ampa, g_nmda, g_gaba, g_a1, g_a2,
// theta [mV].
#pragma once

#include "snn/kernels/aif2_math.h"
#include "snn/population.h"

namespace snn {
namespace neurons {

class Aif2 : public Population {
 public:
  explicit Aif2(const ModelSpec& spec);
  int num_receptors() const override { return 2; }
  InputKind input_kind() const override { return InputKind::None; }

 protected:
  void check_params(const ParamTable& p) const override;
  void reset_dynamic_state() override;
  void integrate(const StepContext& ctx) override;

 private:
  const ParamId E_L_, E_ex_, E_in_, V_th_, V_reset_, delta_thr_, tau_thr_, tau_m_, tau_ampa_, tau_nmda_, tau_gaba_,
      ratio_, tau_a1_, dg_a1_, tau_a2_, dg_a2_;
  const StateRef V_m_, g_ampa_, g_nmda_, g_gaba_, g_a1_, g_a2_, theta_;
  NeuronConstants<kernels::Aif2Params> constants_;
};

}  // namespace neurons
}  // namespace snn
