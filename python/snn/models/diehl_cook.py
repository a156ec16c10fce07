"""Diehl & Cook (2015), "Unsupervised learning of digit recognition using spike-timing-dependent
plasticity", Front. Comput. Neurosci. 9:99.

Poisson inputs (rate = pixel / 8 x intensity Hz) -> N excitatory neurons with adaptive thresholds
(all-to-all, STDP) -> N inhibitory neurons (one-to-one) -> back to every other excitatory neuron
(lateral inhibition: winner-take-all). Each example is shown for 350 ms; if the excitatory neurons
fire fewer than 5 spikes, the intensity goes up by 1 and the example is shown again; 150 ms of rest
(or a state reset) separates examples. Before every presentation the input weights of each
excitatory neuron are scaled to sum to 78.

Variants:
  "conductance" (the paper, their published Brian code, dt 0.5 ms): ConductanceLIF neurons;
      excitatory: tau 100 ms, rest -65, E_ex 0, E_in -100, g time constants 1 and 2 ms, threshold
      -52 mV + theta (theta += 0.05 mV per spike, tau_theta 1e7 ms), reset -65, refractory 5 ms;
      inhibitory: tau 10 ms, rest -60, E_in -85, threshold -40, reset -45, refractory 2 ms;
      input weights (U + 0.01) 0.3 in [0, 1]; E -> I 10.4; I -> E 17.0. lockout=50 adds the 50 ms
      threshold lockout of their published code (its `timer`; not in the paper's text; default off).
  "current" (BindsNET's DiehlAndCook2015, dt 1 ms): AdaptiveLIF (voltage jumps; rest -65, reset -60,
      threshold -52, tau 100, refractory 5, at most one spike per step) and LIF inhibitory neurons
      (rest -60, reset -45, threshold -40, tau 10, refractory 2); E -> I 22.5; I -> E -120; norm 78.4.
STDP: Diehl & Cook's rule (snn.STDP(variant="diehl_cook")): pre trace 20 ms, post traces 20 and 40 ms,
nu_pre 1e-4, nu_post 1e-2, weights in [0, 1].
Input delays: "conductance" draws the paper's input -> excitatory delays per synapse (uniform 0-10 ms,
at least one step; input_delays=False for one step); "current" uses one step, as BindsNET.

Batches (batch_size B > 1): B examples are shown at once (present_stream: each in a slot; a silent
example is shown again in its slot while the others take new examples). The weights are shared (the
STDP changes of all entries are summed) and so are the thresholds (after each presentation every
entry's change of theta is added to the common value); the paper shows one example at a time, so
batches learn differently (fewer, larger updates).
"""
from typing import Optional

import torch

from .. import init
from ..encoders import rates_from_pixels
from ..network import Network, load as load_network
from ..neurons import AdaptiveLIF, ConductanceLIF, LIF, PoissonInput
from ..plasticity import STDP

_VARIANTS = {
    "conductance": dict(dt=0.5, exc_weight=10.4, inh_weight=17.0, norm=78.0),
    "current": dict(dt=1.0, exc_weight=22.5, inh_weight=120.0, norm=78.4),
}


class DiehlAndCook2015:
    """The network of Diehl & Cook (2015). See the module documentation for the model.

    Args:
        n_inputs: input neurons (784 for 28 x 28 images). n_neurons: excitatory = inhibitory neurons.
        variant: "conductance" (the paper) or "current" (BindsNET's).
        dt: step in ms (default 0.5 for "conductance", 1 for "current").
        batch_size, device, dtype, seed: as snn.Network.
        nu_pre, nu_post: STDP rates. norm: sum of each neuron's input weights (None: no normalisation).
        theta_plus, tau_theta: threshold adaptation. exc_weight, inh_weight: E -> I and I -> E strengths.
        intensity: input intensity (rates = pixel / 8 x intensity Hz). time, rest: presentation and
        rest [ms] (rest 0: reset the state instead). min_spikes, max_tries: the intensity rule.
        lockout: "conductance" only: the excitatory neurons' threshold lockout after a spike [ms]
        (ConductanceLIF's t_lock; 50 in Diehl & Cook's published code; 0: the 5 ms refractory only).

    Attributes:
        presentations: images shown so far, each showing counted (a re-shown image counts again); divided
            by the images done it gives the showings per image, which the time per image scales with.
    """

    def __init__(self, n_inputs: int = 784, n_neurons: int = 100, *, variant: str = "conductance",
                 dt: Optional[float] = None, batch_size: int = 1, device="cpu", dtype=torch.float32, seed: int = 0,
                 nu_pre: float = 1e-4, nu_post: float = 1e-2, norm: Optional[float] = None, theta_plus: float = 0.05,
                 tau_theta: float = 1e7, exc_weight: Optional[float] = None, inh_weight: Optional[float] = None,
                 intensity: float = 2.0, time: float = 350.0, rest: float = 150.0, min_spikes: int = 5,
                 max_tries: int = 10, input_delays: bool = True, lockout: float = 0.0):
        if variant not in _VARIANTS:
            raise ValueError(f"variant must be 'conductance' or 'current', got {variant!r}")
        defaults = _VARIANTS[variant]
        def default(value, key):  # None: the variant's value (an explicit 0 is kept, and checked where it is used)
            return defaults[key] if value is None else value

        self.config = dict(n_inputs=n_inputs, n_neurons=n_neurons, variant=variant, dt=default(dt, "dt"),
                           batch_size=batch_size, device=str(device), seed=seed, nu_pre=nu_pre, nu_post=nu_post,
                           norm=default(norm, "norm"), theta_plus=theta_plus,
                           tau_theta=tau_theta, exc_weight=default(exc_weight, "exc_weight"),
                           inh_weight=default(inh_weight, "inh_weight"), intensity=intensity, time=time,
                           rest=rest, min_spikes=min_spikes, max_tries=max_tries, input_delays=input_delays,
                           lockout=lockout)
        c = self.config
        if min_spikes < 0 or max_tries < 1:
            raise ValueError(f"min_spikes must be >= 0 and max_tries >= 1, got {min_spikes} and {max_tries}")
        if lockout != 0.0 and variant != "conductance":
            raise ValueError(f"lockout applies to the 'conductance' variant only, got lockout={lockout} with {variant!r}")
        self.network = net = Network(dt=c["dt"], batch_size=batch_size, device=device, dtype=dtype, seed=seed)
        self.input = net.add(PoissonInput(n_inputs), name="X")
        if variant == "conductance":
            self.exc = net.add(ConductanceLIF(n_neurons, theta_plus=theta_plus, tau_theta=tau_theta, t_lock=lockout),
                               name="Ae")
            self.inh = net.add(ConductanceLIF(n_neurons, tau_m=10.0, E_L=-60.0, E_in=-85.0, V_th=-40.0, V_reset=-45.0,
                                              t_ref=2.0, theta_plus=0.0), name="Ai")
        else:
            self.exc = net.add(AdaptiveLIF(n_neurons, theta_plus=theta_plus, tau_theta=tau_theta, one_spike=True),
                               name="Ae")
            self.inh = net.add(LIF(n_neurons, E_L=-60.0, V_reset=-45.0, V_th=-40.0, tau_m=10.0, t_ref=2.0), name="Ai")
        self.input_projection = net.connect(
            self.input, self.exc, "all_to_all", weight=init.uniform(0.003, 0.303), storage="dense",
            delay=self._input_delay(),
            plasticity=STDP(nu_pre=nu_pre, nu_post=nu_post, w_min=0.0, w_max=1.0, variant="diehl_cook"),
            normalize=c["norm"])
        net.connect(self.exc, self.inh, "one_to_one", weight=c["exc_weight"])
        # Lateral inhibition: every inhibitory neuron onto every other excitatory neuron (w < 0: g_in).
        net.connect(self.inh, self.exc, "all_to_all", weight=_all_but_self(n_neurons, -c["inh_weight"]),
                    storage="dense")
        self.spikes = net.monitor(self.exc, "spikes")
        self.presentations = 0  # see the class docstring

    def _input_delay(self):
        """Input -> excitatory delays: uniform in [0, 10] ms per synapse in the paper (at least one step here);
        one step in BindsNET's variant."""
        if self.config["variant"] != "conductance" or not self.config["input_delays"]:
            return None
        return init.uniform(0.0, 10.0).clip(self.config["dt"], 10.0)

    # ---- presentation ----------------------------------------------------------------------------
    def present(self, images: torch.Tensor, learn: bool = True) -> torch.Tensor:
        """Shows a batch of images ([B, ...] pixels 0-255; B = batch_size) and returns the excitatory
        spike counts [B, N] (on the CPU) of the successful presentation of each (intensity rule
        applied). The batch is shown again, at higher intensity for its silent entries, until every
        entry fired: with B > 1, present_stream() does not make the whole batch wait."""
        c = self.config
        net = self.network
        base = self._rates(images, count=c["batch_size"])
        intensity = torch.full((c["batch_size"], 1), float(c["intensity"]), device=net.device, dtype=net.dtype)
        done = torch.zeros(c["batch_size"], dtype=torch.bool, device=net.device)
        counts = torch.zeros(c["batch_size"], c["n_neurons"], dtype=torch.int64, device=net.device)
        for _ in range(c["max_tries"]):
            got = self._show(base * intensity * (~done).to(net.dtype).unsqueeze(1), learn)
            self.presentations += int((~done).sum())
            counts[~done] = got[~done]
            done |= got.sum(1) >= c["min_spikes"]
            if bool(done.all()):
                break
            intensity += (~done).to(net.dtype).unsqueeze(1)
        return counts.cpu()

    def present_stream(self, images: torch.Tensor, learn: bool = True, on_done=None) -> torch.Tensor:
        """Shows any number M of images ([M, ...] pixels 0-255) through the B slots of the batch and
        returns their spike counts [M, N] (on the CPU) in image order. Each image gets the paper's
        protocol in its slot (a presentation, the rest, and, with fewer than min_spikes spikes, the
        next presentation at intensity + 1, up to max_tries); a slot whose image is done takes the
        next image, so a silent image delays nobody. on_done(index, counts) is called as each image
        finishes (in that order, which with B > 1 is not the image order). With B = 1 this is
        present() image after image."""
        c = self.config
        net = self.network
        B = c["batch_size"]
        self._rates(images[:1])  # checks the image size
        M = len(images)
        counts = torch.zeros(M, c["n_neurons"], dtype=torch.int64)
        slot = torch.full((B,), -1, dtype=torch.int64)  # image shown in each slot; -1: none left
        intensity = torch.zeros(B, 1, dtype=net.dtype)
        tries = [0] * B
        upcoming = iter(range(M))

        def take_next(b):
            slot[b] = next(upcoming, -1)
            intensity[b] = float(c["intensity"])
            tries[b] = 0

        for b in range(B):
            take_next(b)
        while bool((slot >= 0).any()):
            active = slot >= 0
            scale = (intensity * active.to(net.dtype).unsqueeze(1)).to(net.device)
            rates = self._rates(images[slot.clamp(min=0)]) * scale
            got = self._show(rates, learn).cpu()
            self.presentations += int(active.sum())
            for b in active.nonzero().flatten().tolist():
                tries[b] += 1
                if int(got[b].sum()) >= c["min_spikes"] or tries[b] >= c["max_tries"]:
                    k = int(slot[b])
                    counts[k] = got[b]
                    if on_done is not None:
                        on_done(k, got[b])
                    take_next(b)
                else:
                    intensity[b] += 1.0
        return counts

    def _rates(self, images: torch.Tensor, count: Optional[int] = None) -> torch.Tensor:
        """[M, n_inputs] rates (pixel / 8 Hz, before the intensity) of M images (M = count when given),
        on the network's device."""
        n = self.config["n_inputs"]
        wrong_count = count is not None and len(images) != count
        if images.dim() < 2 or len(images) < 1 or images[0].numel() != n or wrong_count:
            raise ValueError(f"images: expected {'some' if count is None else count} images of {n} pixels, got shape "
                             f"{tuple(images.shape)}")
        return rates_from_pixels(images, 1.0).to(self.network.device, self.network.dtype)

    def _show(self, rates: torch.Tensor, learn: bool) -> torch.Tensor:
        """One presentation of [B, n_inputs] rates and the rest after it; the excitatory counts [B, N]."""
        c = self.config
        net = self.network
        net.train(learn)
        theta_before = self.exc.theta[:1].clone() if learn and c["batch_size"] > 1 else None
        self.spikes.clear()
        net.run(c["time"], inputs={"X": rates})
        got = self.spikes.counts()
        self._rest()
        if theta_before is not None:
            # Shared thresholds: every entry's change (growth at its spikes, decay) is added, as the
            # weights add every entry's STDP changes; a batch then moves theta as its B images would
            # one after another. (The mean would grow it B times too slowly against the weights, and a
            # few neurons would win every image.)
            theta = self.exc.theta
            theta[:] = theta_before + (theta - theta_before).sum(0, keepdim=True)
        return got

    def _rest(self):
        if self.config["rest"] > 0:
            self.network.run(self.config["rest"])  # no input: the network relaxes, as in the paper
        else:
            self.network.reset_state()

    # ---- checkpoints -----------------------------------------------------------------------------
    def state_dict(self) -> dict:
        return {"config": dict(self.config), "weights": self.input_projection.weight.detach().cpu().clone(),
                "theta": self.exc.theta.detach().cpu().clone()}

    def load_state_dict(self, state: dict) -> None:
        self.input_projection.weight = state["weights"].to(self.network.device, self.network.dtype)
        self.exc.theta = state["theta"][:1].expand_as(self.exc.theta).to(self.network.device, self.network.dtype)

    def save(self, path: str, **extra) -> None:
        """Saves the whole network (snn's checkpoint: weights, thresholds, every state, the step count)
        with the configuration, the presentation count and ``extra`` (tensors or JSON values, e.g. label
        assignments). ``load`` continues bitwise where this left off."""
        self.network.save(path, metadata=dict(extra, config=self.config, presentations=self.presentations))

    @classmethod
    def load(cls, path: str, **overrides):
        """Rebuilds a saved model; returns (model, the saved metadata: config, presentations and the
        extras given to save). ``device=`` moves it; other overrides that change the network (such as
        batch_size=) build a new one that takes the learned weights and thresholds only. Checkpoints of
        older snn versions (torch.save dictionaries) load the same way, learned state only."""
        with open(path, "rb") as f:
            is_network = f.read(8) == b"SNNCKPT\n"
        if not is_network:
            state = torch.load(path, map_location="cpu")
            model = cls(**dict(state["config"], **overrides))
            model.load_state_dict(state)
            return model, state
        net = load_network(path, device=overrides.get("device"))
        state = dict(net.metadata)
        config = dict(state["config"])
        if "device" in overrides:
            config["device"] = str(overrides["device"])
        if any(key != "device" and value != config.get(key) for key, value in overrides.items()):
            model = cls(**dict(config, **overrides))
            model.load_state_dict({"weights": net.projections[0].weight.cpu(), "theta": net["Ae"].theta.cpu()})
            return model, state
        model = cls.__new__(cls)
        model.config, model.network = config, net
        model.input, model.exc, model.inh = net["X"], net["Ae"], net["Ai"]
        model.input_projection = net.projections[0]
        model.spikes = net.monitor(model.exc, "spikes")
        model.presentations = int(state.get("presentations", 0))
        return model, state

    def __repr__(self):
        c = self.config
        return f"<DiehlAndCook2015 {c['variant']}: {c['n_inputs']} inputs, {c['n_neurons']} neurons, dt {c['dt']} ms>"


def _all_but_self(n: int, w: float) -> torch.Tensor:
    """[n, n] lateral inhibition: every inhibitory neuron onto every other excitatory neuron."""
    m = torch.full((n, n), w, dtype=torch.float64)
    m.fill_diagonal_(0.0)
    return m
