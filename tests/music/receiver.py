"""MUSIC test application: port "in" feeds a SpikeInput; records its spikes and a LIF target's V_m."""
import json

import snn
import snn.music

music = snn.music.Coupling()
latency = float(music.argv[2])
net = snn.Network(dt=0.1, seed=1)
sensors = net.add(snn.SpikeInput(4), name="sensors")
target = net.add(snn.LIF(4, E_L=0.0, V_reset=0.0, V_th=1000.0), name="target")
net.connect(sensors, target, "one_to_one", weight=1.0, delay=1.0)
spikes = net.monitor(sensors, "spikes")
vm = net.monitor(target, "V_m")
music.event_input("in", sensors, latency=latency)
music.run(net, 2.0)
music.run(net, 3.0)  # two runs continue one MUSIC run
music.finalize()
t, i = spikes.events()
with open(music.argv[1], "w") as f:
    json.dump({"times": t.tolist(), "senders": i.tolist(), "counts": music.event_counts(),
               "late": music.late_events(), "vm": vm.values()[:, 0].tolist()}, f)
