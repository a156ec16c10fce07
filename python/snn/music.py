"""MUSIC event ports: snn as one application of a MUSIC setup (where SPORE's users put NEST).

MUSIC (the Multi-Simulation Coordinator, Djurfeldt et al. 2010, Debian ``libmusic-dev``/``music-bin``)
connects simulators and environments that run as separate MPI programs, launched together by
``mpirun -np N music config.music``. snn takes events from MUSIC into a ``SpikeInput`` population
and sends the spikes of any population out::

    import snn, snn.music
    music = snn.music.Coupling()                        # first: MUSIC's setup (initialises MPI)
    net = snn.Network(dt=0.1, seed=1)
    sensors = net.add(snn.SpikeInput(50), name="sensors")   # channel i -> neuron i
    neurons = net.add(snn.PoissonDblExp(20), name="neurons")
    net.connect(sensors, neurons, weight=0.5)
    music.event_input("in", sensors, latency=0.0)       # ports named in the configuration
    music.event_output("out", neurons)
    music.run(net, 1000.0)                              # one MUSIC tick per network step
    music.finalize()                                    # at MUSIC's stoptime

Timing: every step of the network is one MUSIC tick (MUSIC's timestep is dt). An event stamped t
enters the network as a spike of the input neuron in the step that ends at or after t + latency (on
the grid); spikes leave stamped at the end of their step (NEST's convention). With latency 0 a spike
crosses the link as if the two networks were one: a spike at t reaches a target across the link with
delay d at t + d. ``latency`` > 0 adds that delay and lets MUSIC buffer (it is the port's acceptable
latency). docs/closed_loop.md#music has the details and the limits.
"""
import importlib
import importlib.util
import sys
from typing import Dict, List, Optional


def available() -> bool:
    """Whether this build of snn has the MUSIC ports (CMake found libmusic and MPI). Loads nothing: MPI's
    libraries come in with the first Coupling."""
    return importlib.util.find_spec(__package__ + "._music") is not None


class Coupling:
    """This process's MUSIC setup and its ports (one per process; see the module's docstring)."""

    def __init__(self, argv: Optional[List[str]] = None):
        if not available():
            raise ImportError("this build of snn has no MUSIC ports: install libmusic-dev and libopenmpi-dev "
                              "(docker/install-deps.sh) and rebuild")
        _music = importlib.import_module(__package__ + "._music")
        self._c = _music.MusicCoupling(list(sys.argv if argv is None else argv))
        self._net = None

    @property
    def argv(self) -> List[str]:
        """The command line after MUSIC's setup. The launcher starts each application with only the
        configuration file as argument; MUSIC's setup replaces it with the application's ``args`` from
        the configuration, so read arguments here, not from sys.argv."""
        return list(self._c.argv)

    @property
    def launched_by_music(self) -> bool:
        """Whether the process runs under the ``music`` launcher (otherwise no port is connected)."""
        return self._c.launched_by_music

    @property
    def rank(self) -> int:
        return self._c.rank

    def _bind(self, population, who: str):
        from .network import Population
        if not isinstance(population, Population):
            raise TypeError(f"{who}: population must be a Population, got {type(population).__name__}")
        if self._net is not None and population._net is not self._net:
            raise ValueError(f"{who}: population '{population.name}' belongs to another network than the ports "
                             f"published before")
        return population._net

    def event_input(self, port: str, population, latency: float = 0.0) -> None:
        """Events of MUSIC input port ``port`` become spikes of ``population`` (a SpikeInput whose size is
        the port's width), ``latency`` ms after their time stamp (>= 0, rounded up to the grid)."""
        net = self._bind(population, "event_input")
        self._c.event_input(net._net, str(port), population._cpp, float(latency))
        self._net = net

    def event_output(self, port: str, population) -> None:
        """Every spike of ``population`` goes out on MUSIC output port ``port`` (width = the population's
        size), channel i for neuron i, stamped at the end of its step."""
        net = self._bind(population, "event_output")
        self._c.event_output(net._net, str(port), population._cpp)
        self._net = net

    def run(self, net, time_ms: float) -> None:
        """Runs ``net`` for ``time_ms`` (whole steps), one MUSIC tick per step. The first run ends MUSIC's
        setup phase: no port can be added after it."""
        if self._net is not None and net is not self._net:
            raise ValueError("run: the ports belong to another network")
        self._c.run(net._net, float(time_ms))
        self._net = net

    def finalize(self) -> None:
        """Ends the MUSIC run (and MPI); call it once, at MUSIC's stoptime."""
        self._c.finalize()

    @property
    def time(self) -> float:
        """MUSIC's clock [ms]."""
        return self._c.time_ms

    def event_counts(self) -> Dict[str, int]:
        """Events received (input ports) and sent (output ports) so far, by port."""
        return dict(self._c.event_counts())

    def late_events(self) -> Dict[str, int]:
        """Per input port, events that arrived after the step they were due in (a peer stamping events
        in the past): emitted in the next step instead, and counted here."""
        return dict(self._c.late_events())


__all__ = ["Coupling", "available"]
