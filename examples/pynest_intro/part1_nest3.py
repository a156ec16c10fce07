"""PyNEST introduction, part 1, in NEST 3 names (iaf_psc_alpha, spike_recorder, voltmeter,
NodeCollection.get / .set, attribute access, the conn_spec / syn_spec keywords) on snn.nest: the same
four scripts as part1_nest2.py, which keeps the tutorial's NEST 2 names. Only the import differs from a
NEST 3 script. Figures are drawn with nest.voltage_trace and nest.raster_plot (snn.plot underneath).

    PYTHONPATH=build/python /usr/bin/python3 examples/pynest_intro/part1_nest3.py [--out examples/out/pynest_intro]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import snn.nest as nest  # noqa: E402  (was `import nest`)

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--out", default="examples/out/pynest_intro")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)


def save(name):
    path = os.path.join(args.out, f"nest3_{name}.png")
    plt.savefig(path, dpi=80)
    plt.close("all")
    print(f"wrote {path}")


# ---- one neuron with a constant input current ------------------------------------------------------
nest.ResetKernel()
nest.resolution = 0.1
neuron = nest.Create("iaf_psc_alpha")
neuron.I_e = 376.0
print(f"V_reset {neuron.V_reset} mV, V_th {neuron.get('V_th')} mV, I_e {neuron.get('I_e')} pA")
voltmeter = nest.Create("voltmeter")
spike_recorder = nest.Create("spike_recorder")
nest.Connect(voltmeter, neuron)
nest.Connect(neuron, spike_recorder)
nest.Simulate(1000.0)
times = spike_recorder.get("events")["times"]
print(f"one neuron, I_e = 376 pA: {spike_recorder.n_events} spikes, first at {times[0]:.1f} ms")
nest.voltage_trace.from_device(voltmeter)
save("vm_one_neuron")
nest.raster_plot.from_device(spike_recorder, hist=False)
save("spikes_one_neuron")

# ---- Poisson noise -----------------------------------------------------------------------------------
nest.ResetKernel()
neuron = nest.Create("iaf_psc_alpha", params={"I_e": 0.0})
noise = nest.Create("poisson_generator", 2, params=[{"rate": 80000.0}, {"rate": 15000.0}])
voltmeter = nest.Create("voltmeter")
spike_recorder = nest.Create("spike_recorder")
nest.Connect(noise[0], neuron, syn_spec={"weight": 1.2})
nest.Connect(noise[1], neuron, syn_spec={"weight": -2.0})
nest.Connect(voltmeter, neuron)
nest.Connect(neuron, spike_recorder)
nest.Simulate(1000.0)
print(f"Poisson noise: {spike_recorder.n_events} spikes in 1 s, V_m mean "
      f"{voltmeter.get('events')['V_m'].mean():.2f} mV")
nest.voltage_trace.from_device(voltmeter)
save("vm_one_neuron_noise")

# ---- two connected neurons ---------------------------------------------------------------------------
nest.ResetKernel()
neuron1 = nest.Create("iaf_psc_alpha", params={"I_e": 376.0})
neuron2 = nest.Create("iaf_psc_alpha")
voltmeter = nest.Create("voltmeter")
nest.Connect(neuron1, neuron2, syn_spec={"weight": 20.0, "delay": 1.0})
nest.Connect(voltmeter, neuron2)
nest.Simulate(1000.0)
print(f"two neurons: neuron 2 peaks at {voltmeter.events['V_m'].max():.2f} mV; "
      f"{len(nest.GetConnections(neuron1, neuron2))} connection, weight {nest.GetConnections(neuron1).weight}")
nest.voltage_trace.from_device(voltmeter)
save("vm_psp_two_neurons")

# ---- two populations of ten --------------------------------------------------------------------------
for rule in ("one_to_one", "all_to_all"):
    nest.ResetKernel()
    pop1 = nest.Create("iaf_psc_alpha", 10, params={"I_e": 376.0})
    pop2 = nest.Create("iaf_psc_alpha", 10)
    voltmeter = nest.Create("voltmeter")
    nest.Connect(pop1, pop2, conn_spec=rule, syn_spec={"weight": 20.0})
    nest.Connect(voltmeter, pop2[0])
    nest.Simulate(1000.0)
    print(f"two populations, {rule}: {nest.num_connections} connections; pop2 V_m peaks at "
          f"{voltmeter.events['V_m'].max():.2f} mV")
    nest.voltage_trace.from_device(voltmeter, title=f"pop2[0], {rule}")
    save(f"vm_populations_{rule}")
