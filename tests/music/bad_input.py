"""Outside the MUSIC launcher: the coupling's argument checks (each prints the error it raised)."""
import snn
import snn.music

music = snn.music.Coupling()
print("launched_by_music", music.launched_by_music)
net = snn.Network(dt=0.1)
sensors = net.add(snn.SpikeInput(4), name="sensors")
lif = net.add(snn.LIF(4), name="lif")
batched = snn.Network(dt=0.1, batch_size=2)
other = batched.add(snn.SpikeInput(4), name="other")
for name, call in [
    ("not_spike_input", lambda: music.event_input("in", lif)),
    ("negative_latency", lambda: music.event_input("in", sensors, latency=-1.0)),
    ("unconnected", lambda: music.event_input("in", sensors)),
    ("unconnected_output", lambda: music.event_output("out", lif)),
    ("batch", lambda: music.event_input("in", other)),
    ("not_population", lambda: music.event_output("out", "lif")),
    ("second_coupling", lambda: snn.music.Coupling()),
]:
    try:
        call()
        print(name, "no error")
    except (ValueError, TypeError) as e:
        print(name, type(e).__name__, e)
music.run(net, 1.0)
print("ran", net.t)
music.finalize()
