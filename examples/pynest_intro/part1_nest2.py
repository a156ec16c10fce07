"""PyNEST introduction, part 1, as the tutorial writes it (NEST 2 names: iaf_neuron, spike_detector,
withgid / withtime, GetStatus / SetStatus, Connect(a, b, weight, delay)), with one line changed:
``import nest`` -> ``import snn.nest as nest``. Its four scripts run one after the other (each starts
from a fresh kernel, as a new script would) and save the tutorial's figures (pylab draws them; the
figures go to files instead of windows).

    PYTHONPATH=build/python /usr/bin/python3 examples/pynest_intro/part1_nest2.py [--out examples/out/pynest_intro]

examples/pynest_intro/part1_nest3.py is the same in NEST 3 names; part1.py the same with snn's own API.
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")  # the tutorial calls pylab.show(); here figures are written to files

import pylab  # noqa: E402

import snn.nest as nest  # noqa: E402  (the one changed line: was `import nest`)

ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
ap.add_argument("--out", default="examples/out/pynest_intro")
args = ap.parse_args()
os.makedirs(args.out, exist_ok=True)


def save(number, name):
    pylab.figure(number)
    path = os.path.join(args.out, f"nest2_{name}.png")
    pylab.savefig(path, dpi=80)
    print(f"wrote {path}")


# ---- one neuron with a constant input current (the tutorial's first script) -------------------
neuron = nest.Create("iaf_neuron")
nest.GetStatus(neuron)
nest.GetStatus(neuron, "I_e")
nest.GetStatus(neuron, ["V_reset", "V_th"])
nest.SetStatus(neuron, {"I_e": 376.0})
multimeter = nest.Create("multimeter")
nest.SetStatus(multimeter, {"withtime": True, "record_from": ["V_m"]})
spikedetector = nest.Create("spike_detector", params={"withgid": True, "withtime": True})
nest.Connect(multimeter, neuron)
nest.Connect(neuron, spikedetector)
nest.Simulate(1000.0)
dmm = nest.GetStatus(multimeter)[0]
Vms = dmm["events"]["V_m"]
ts = dmm["events"]["times"]
pylab.figure(1)
pylab.plot(ts, Vms)
dSD = nest.GetStatus(spikedetector, keys="events")[0]
evs = dSD["senders"]
ts = dSD["times"]
pylab.figure(2)
pylab.plot(ts, evs, ".")
pylab.show()
print(f"one neuron, I_e = 376 pA: {len(ts)} spikes, first at {ts[0]:.1f} ms")
save(1, "vm_one_neuron")
save(2, "spikes_one_neuron")

# ---- the same neuron driven by Poisson noise ------------------------------------------------------
nest.ResetKernel()
neuron = nest.Create("iaf_neuron")
multimeter = nest.Create("multimeter")
nest.SetStatus(multimeter, {"withtime": True, "record_from": ["V_m"]})
spikedetector = nest.Create("spike_detector", params={"withgid": True, "withtime": True})
noise = nest.Create("poisson_generator", 2)
nest.SetStatus(noise, [{"rate": 80000.0}, {"rate": 15000.0}])
nest.SetStatus(neuron, {"I_e": 0.0})
syn_dict_ex = {"weight": 1.2}
syn_dict_in = {"weight": -2.0}
nest.Connect([noise[0]], neuron, syn_spec=syn_dict_ex)
nest.Connect([noise[1]], neuron, syn_spec=syn_dict_in)
nest.Connect(multimeter, neuron)
nest.Connect(neuron, spikedetector)
nest.Simulate(1000.0)
dmm = nest.GetStatus(multimeter)[0]
pylab.figure(3)
pylab.plot(dmm["events"]["times"], dmm["events"]["V_m"])
dSD = nest.GetStatus(spikedetector, keys="events")[0]
pylab.figure(4)
pylab.plot(dSD["times"], dSD["senders"], ".")
print(f"Poisson noise: {len(dSD['times'])} spikes in 1 s, V_m mean {dmm['events']['V_m'].mean():.2f} mV")
save(3, "vm_one_neuron_noise")
save(4, "spikes_one_neuron_noise")

# ---- two connected neurons -------------------------------------------------------------------------
nest.ResetKernel()
neuron1 = nest.Create("iaf_neuron")
nest.SetStatus(neuron1, {"I_e": 376.0})
neuron2 = nest.Create("iaf_neuron")
multimeter = nest.Create("multimeter")
nest.SetStatus(multimeter, {"withtime": True, "record_from": ["V_m"]})
weight = 20.0
delay = 1.0
nest.Connect(neuron1, neuron2, weight, delay)
nest.Connect(multimeter, neuron2)
nest.Simulate(1000.0)
dmm = nest.GetStatus(multimeter)[0]
pylab.figure(5)
pylab.plot(dmm["events"]["times"], dmm["events"]["V_m"])
print(f"two neurons: neuron 2 peaks at {dmm['events']['V_m'].max():.2f} mV")
save(5, "vm_psp_two_neurons")

# ---- two populations of ten -------------------------------------------------------------------------
for rule in ("one_to_one", "all_to_all"):
    nest.ResetKernel()
    pop1 = nest.Create("iaf_neuron", 10)
    nest.SetStatus(pop1, {"I_e": 376.0})
    pop2 = nest.Create("iaf_neuron", 10)
    multimeter = nest.Create("multimeter", 10)
    nest.SetStatus(multimeter, {"withtime": True, "record_from": ["V_m"]})
    nest.Connect(pop1, pop2, rule, {"weight": 20.0})
    nest.Connect(multimeter, pop2)
    nest.Simulate(1000.0)
    dmm = nest.GetStatus(multimeter)[0]
    first = dmm["events"]["senders"] == pop2[0].get("global_id")
    pylab.figure(6)
    pylab.plot(dmm["events"]["times"][first], dmm["events"]["V_m"][first], label=rule)
    print(f"two populations, {rule}: {nest.GetKernelStatus('num_connections')} connections; pop2 V_m peaks at "
          f"{dmm['events']['V_m'].max():.2f} mV")
pylab.legend()
save(6, "vm_populations")
