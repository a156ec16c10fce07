"""MUSIC test application: a spike generator with fixed times sends its spikes out on port "out"."""
import json

import snn
import snn.music

music = snn.music.Coupling()
net = snn.Network(dt=0.1, seed=1)
times = [[0.3, 1.0, 2.5], [0.1, 2.5], [1.7], [0.5, 0.6, 0.7, 4.0]]
source = net.add(snn.SpikeGeneratorInput(4, spike_times=times), name="source")
spikes = net.monitor(source, "spikes")
music.event_output("out", source)
music.run(net, 5.0)
music.finalize()
t, i = spikes.events()
with open(music.argv[1], "w") as f:
    json.dump({"times": t.tolist(), "senders": i.tolist(), "counts": music.event_counts()}, f)
