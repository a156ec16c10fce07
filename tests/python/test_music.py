"""snn.music: MUSIC event ports, tested with real MUSIC runs of two snn processes (mpirun + the music
launcher, tests/music/*.py). Skipped when snn was built without MUSIC or the launcher is missing."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import snn
import snn.music

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "music")
pytestmark = pytest.mark.skipif(not snn.music.available() or not shutil.which("music") or not shutil.which("mpirun"),
                                reason="snn built without MUSIC, or music/mpirun not installed")


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(snn.__file__))  # this snn, in both processes
    env["OMPI_ALLOW_RUN_AS_ROOT"] = env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    return env


def _music_run(tmp_path, latency):
    """sender.py -> receiver.py over a 4-channel link; returns both applications' records."""
    apps = {}
    for name in ("sender", "receiver"):
        wrapper = tmp_path / f"{name}.sh"  # the launcher runs a binary with the configuration file only
        wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE}/{name}.py" "$@"\n')
        wrapper.chmod(0o755)
        apps[name] = wrapper
    config = tmp_path / "link.music"
    config.write_text(f"stoptime=0.005\n[sender]\n  binary={apps['sender']}\n  args={tmp_path}/sent.json\n  np=1\n"
                      f"[receiver]\n  binary={apps['receiver']}\n  args={tmp_path}/received.json {latency}\n  np=1\n"
                      "sender.out -> receiver.in [4]\n")
    out = subprocess.run(["mpirun", "-np", "2", "-x", "PYTHONPATH", "music", str(config)], env=_env(), cwd=tmp_path,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    return json.loads((tmp_path / "sent.json").read_text()), json.loads((tmp_path / "received.json").read_text())


def test_spikes_cross_a_music_link_as_within_one_network(tmp_path):
    sent, received = _music_run(tmp_path, 0.0)
    assert sent["counts"] == {"out": 10} and received["counts"] == {"in": 10} and received["late"] == {"in": 0}
    assert received["senders"] == sent["senders"]
    np.testing.assert_allclose(received["times"], sent["times"], atol=1e-9)
    # The receiver's target (delay 1 ms from the input) sees what a target of the generator itself would.
    net = snn.Network(dt=0.1, seed=1)
    times = [[0.3, 1.0, 2.5], [0.1, 2.5], [1.7], [0.5, 0.6, 0.7, 4.0]]
    source = net.add(snn.SpikeGeneratorInput(4, spike_times=times))
    target = net.add(snn.LIF(4, E_L=0.0, V_reset=0.0, V_th=1000.0))
    net.connect(source, target, "one_to_one", weight=1.0, delay=1.0)
    vm = net.monitor(target, "V_m")
    net.run(5.0)
    assert received["vm"] == vm.values()[:, 0].tolist()


def test_latency_delays_the_events_rounded_up_to_the_grid(tmp_path):
    sent, received = _music_run(tmp_path, 0.25)
    assert received["late"] == {"in": 0} and received["senders"] == sent["senders"]
    np.testing.assert_allclose(received["times"], np.array(sent["times"]) + 0.3, atol=1e-9)


def test_bad_input_is_refused_with_the_argument_named(tmp_path):
    out = subprocess.run([sys.executable, os.path.join(HERE, "bad_input.py")], env=_env(), cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines())
    assert lines["launched_by_music"] == "False"
    assert lines["not_spike_input"].startswith("ValueError") and "SpikeInput" in lines["not_spike_input"]
    assert "latency" in lines["negative_latency"] and "-1" in lines["negative_latency"]
    assert "not connected" in lines["unconnected"] and "'in'" in lines["unconnected"]
    assert "not connected" in lines["unconnected_output"]
    assert "batch_size must be 1, got 2" in lines["batch"]
    assert lines["not_population"].startswith("TypeError")
    assert "already exists" in lines["second_coupling"]
    assert lines["ran"] == "1.0"  # the failed calls changed nothing: the network still runs
