"""Connections of the snn.nest kernel: Connect with NEST's rules and synapse models, the emulated
devices' wiring, GetConnections and the reading and writing of synapses."""
import math
import numbers
from typing import List, Tuple

import numpy as np
import torch

from .. import init as snn_init
from .. import neurons as snn_neurons
from .. import plasticity as snn_plasticity
from . import _models
from ._common import (RULE_ARGS, RULES, SYNAPSE_READ_ONLY, Block, Connection, NESTError, _assign, _entries, _gid,
                      _is_number, _nest2_distribution, _take, _whole)
from .random import Parameter


class ConnectMixin:
    """Kernel methods for connections (the Kernel holds connections, spike_monitors, signals, net)."""

    # ---- connections --------------------------------------------------------------------------
    def conn_spec(self, spec) -> dict:
        if spec is None:
            spec = "all_to_all"
        if isinstance(spec, str):
            spec = {"rule": spec}
        if not isinstance(spec, dict):
            raise TypeError(f"conn_spec must be a rule name or a dict, got {type(spec).__name__}")
        rule = spec.get("rule")
        if rule not in RULES:
            raise NESTError(f"unknown connection rule {rule!r}; snn.nest supports: {', '.join(RULES)}")
        allowed = {"rule", "allow_autapses", "allow_multapses", RULE_ARGS.get(rule, "rule")}
        extra = set(spec) - allowed
        if extra:
            raise NESTError(f"conn_spec for {rule}: unknown key(s) {', '.join(sorted(extra))}; "
                            f"allowed: {', '.join(sorted(allowed))}")
        out = {"rule": rule, "allow_autapses": bool(spec.get("allow_autapses", True)),
               "allow_multapses": bool(spec.get("allow_multapses", True))}
        if rule in RULE_ARGS:
            arg = RULE_ARGS[rule]
            if arg not in spec:
                raise NESTError(f"conn_spec for {rule} needs {arg!r}")
            v = spec[arg]
            if arg == "p":
                if not _is_number(v) or not 0 <= v <= 1:
                    raise NESTError(f"conn_spec: p must be a number in [0, 1], got {v!r}")
                v = float(v)
            elif isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 0:
                raise NESTError(f"conn_spec: {arg} must be an int >= 0, got {v!r}")
            out[arg] = int(v) if arg != "p" else v
        return out

    def syn_spec(self, spec) -> Tuple[_models.SynapseModel, dict, set]:
        if spec is None:
            spec = {}
        if isinstance(spec, str):
            spec = {"synapse_model": spec}
        if not isinstance(spec, dict):
            raise TypeError(f"syn_spec must be a synapse model name or a dict, got {type(spec).__name__}")
        spec = dict(spec)
        name = spec.pop("synapse_model", spec.pop("model", "static_synapse"))
        m = self.model(name, "synapse model")
        if not isinstance(m, _models.SynapseModel):
            raise NESTError(f"syn_spec: {name!r} is not a synapse model; synapse models: {', '.join(sorted(self.synapses))}")
        given = self._synapse_params(m, spec, where="syn_spec", per_synapse=True)
        values = dict(m.params)
        values.update(given)
        return m, values, set(given)

    def _synapse_params(self, m: _models.SynapseModel, params: dict, where: str, per_synapse: bool = False) -> dict:
        out = {}
        for k, v in params.items():
            if k == "w":  # NESTML's name for the weight
                k = "weight"
            if k == "d":
                k = "delay"
            if k not in m.params:
                raise NESTError(f"{where}: {m.name} has no parameter {k!r}; parameters: {', '.join(sorted(m.params))}")
            if k == "vt":
                out[k] = -1 if v is None or (_is_number(v) and v < 0) else _gid(v, f"{where}: vt")
                if out[k] >= 1 and self.block_of(out[k]).kind != "volume_transmitter":
                    raise NESTError(f"{where}: vt must be a volume_transmitter, node {out[k]} is a "
                                    f"{self.block_of(out[k]).model.name}")
            elif k == "weight_recorder":
                out[k] = None if v is None else _gid(v, f"{where}: weight_recorder")
                if out[k] is not None and self.block_of(out[k]).kind != "weight_recorder":
                    raise NESTError(f"{where}: weight_recorder must be a weight_recorder, node {out[k]} is a "
                                    f"{self.block_of(out[k]).model.name}")
            elif k in ("weight", "delay") and per_synapse and not _is_number(v):
                if isinstance(v, dict) and "distribution" in v:
                    v = _nest2_distribution(v, where)
                if not isinstance(v, Parameter):
                    try:
                        v = np.asarray(v, dtype=np.float64)
                    except (TypeError, ValueError):
                        raise NESTError(f"{where}: {k} must be a number, an array or a nest.random parameter, "
                                        f"got {v!r}") from None
                out[k] = v
            elif k == "receptor_type":
                if v != 0:
                    raise NESTError(f"{where}: receptor_type {v!r} is not available: snn's neurons take receptor 0 "
                                    f"(the sign of the weight selects excitatory or inhibitory input)")
                out[k] = 0
            else:
                if not _is_number(v) or not math.isfinite(v):
                    raise NESTError(f"{where}: {m.name} parameter {k} must be a finite number, got {v!r}")
                out[k] = float(v)
        if "delay" in out and _is_number(out["delay"]) and out["delay"] < self.resolution - 1e-12:
            raise NESTError(f"{where}: delay must be >= the resolution ({self.resolution} ms), got {out['delay']}")
        return out

    def connect(self, pre_ids, post_ids, conn_spec, syn_spec, return_collection: bool):
        conn = self.conn_spec(conn_spec)
        pre_parts, post_parts = self.split(pre_ids), self.split(post_ids)
        if not pre_parts or not post_parts:
            return self._collection([])
        kinds = {b.kind for b, _, _ in pre_parts}, {b.kind for b, _, _ in post_parts}
        for side, ks in zip(("pre", "post"), kinds):
            if len(ks) > 1:
                raise NESTError(f"Connect: {side} mixes kinds of nodes ({', '.join(sorted(ks))}); connect them separately")
        pk, qk = next(iter(kinds[0])), next(iter(kinds[1]))
        pname, qname = pre_parts[0][0].model.name, post_parts[0][0].model.name
        receiving = ("neuron",)
        if pk == "multimeter":
            if qk != "neuron":
                raise NESTError(f"Connect: a {pname} records from neurons; got {qname} as target")
            return self._connect_multimeter(pre_ids, post_ids, conn)
        if qk == "recorder":
            if pk not in ("neuron", "spike_generator"):
                raise NESTError(f"Connect: a spike_recorder records neurons and spike generators, not {pname}")
            return self._connect_spike_recorder(pre_ids, post_ids, conn)
        if qk == "volume_transmitter":
            return self._connect_volume_transmitter(pre_parts, post_parts, conn, syn_spec)
        if pk in ("recorder", "weight_recorder", "volume_transmitter"):
            raise NESTError(f"Connect: a {pname} only receives; connect the other way round "
                            f"(Connect(neurons, {pname}))" if pk != "weight_recorder" else
                            "Connect: a weight_recorder is attached through a synapse model "
                            "(CopyModel(..., {'weight_recorder': wr}))")
        if qk not in receiving:
            raise NESTError(f"Connect: a {qname} cannot receive connections"
                            + (f"; connect the other way round (Connect({qname}, neurons))"
                               if qk == "multimeter" else " (generators only send)"))
        model, values, given = self.syn_spec(syn_spec)
        if pk == "dc_generator":
            return self._connect_dc(pre_ids, post_ids, conn, model, values)
        return self._connect_spiking(pre_ids, post_ids, pre_parts, post_parts, conn, model, values, pk, return_collection)

    def _pairs(self, rule: dict, pre_ids: torch.Tensor, post_ids: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Positions (i, j) of every connection, drawn here with NEST's rule definitions, in the order
        NEST's arrays of weights are laid out (one_to_one: k; all_to_all: [post][pre]; fixed_indegree:
        [post][k]; fixed_outdegree: [pre][k]; fixed_total_number: [n])."""
        n_pre, n_post = len(pre_ids), len(post_ids)
        name, g = rule["rule"], self.rng()
        autapses, multapses = rule["allow_autapses"], rule["allow_multapses"]
        if name == "one_to_one":
            if n_pre != n_post:
                raise NESTError(f"Connect one_to_one: pre and post must have equal sizes, got {n_pre} and {n_post}")
            i = torch.arange(n_pre)
            keep = torch.ones(n_pre, dtype=torch.bool) if autapses else pre_ids != post_ids
            return i[keep], i[keep]
        if name == "all_to_all":
            j, i = torch.meshgrid(torch.arange(n_post), torch.arange(n_pre), indexing="ij")
            i, j = i.reshape(-1), j.reshape(-1)
        elif name == "pairwise_bernoulli":
            j, i = torch.meshgrid(torch.arange(n_post), torch.arange(n_pre), indexing="ij")
            hit = torch.rand(n_post, n_pre, generator=g, dtype=torch.float64) < rule["p"]
            i, j = i[hit], j[hit]
        elif name in ("fixed_indegree", "fixed_outdegree"):
            indegree = name == "fixed_indegree"
            K = rule["indegree" if indegree else "outdegree"]
            owners, partners = (post_ids, pre_ids) if indegree else (pre_ids, post_ids)
            chosen = []
            for o in range(len(owners)):
                allowed = torch.ones(len(partners), dtype=torch.bool) if autapses else partners != owners[o]
                candidates = allowed.nonzero().flatten()
                if K and not len(candidates) or (not multapses and K > len(candidates)):
                    raise NESTError(f"Connect {name}: {K} partners requested, {len(candidates)} possible without "
                                    f"{'multapses' if not multapses else 'autapses'}")
                if multapses:
                    pick = candidates[torch.randint(len(candidates), (K,), generator=g)]
                else:
                    pick = candidates[torch.randperm(len(candidates), generator=g)[:K]]
                chosen.append(pick)
            partner = torch.cat(chosen) if chosen else torch.zeros(0, dtype=torch.long)
            owner = torch.arange(len(owners)).repeat_interleave(K)
            i, j = (partner, owner) if indegree else (owner, partner)
            return i, j
        else:  # fixed_total_number
            N = rule["N"]
            if multapses:
                i = torch.randint(n_pre, (4 * N + 16,), generator=g)
                j = torch.randint(n_post, (4 * N + 16,), generator=g)
                ok = torch.ones_like(i, dtype=torch.bool) if autapses else pre_ids[i] != post_ids[j]
                i, j = i[ok][:N], j[ok][:N]
            else:
                cells = torch.randperm(n_pre * n_post, generator=g)
                i, j = cells // n_post, cells % n_post
                ok = torch.ones_like(i, dtype=torch.bool) if autapses else pre_ids[i] != post_ids[j]
                i, j = i[ok][:N], j[ok][:N]
            if len(i) < N:
                raise NESTError(f"Connect fixed_total_number: could not place N={N} connections")
            return i, j
        if not autapses:
            keep = pre_ids[i] != post_ids[j]
            i, j = i[keep], j[keep]
        return i, j

    def _per_pair(self, value, key: str, rule: dict, n_pre: int, n_post: int, i: torch.Tensor, j: torch.Tensor):
        """A weight or delay for the pairs (i, j) that _pairs drew: a number, a tensor [pairs] (from NEST's
        array layout) or an snn distribution."""
        if isinstance(value, Parameter):
            return value.to_init()
        if _is_number(value):
            return float(value)
        arr = torch.as_tensor(np.asarray(value, dtype=np.float64))
        expected = self._array_shape(rule, n_pre, n_post)
        if tuple(arr.shape) != expected:
            raise NESTError(f"syn_spec: {key} array has shape {tuple(arr.shape)}; {rule['rule']} between {n_pre} "
                            f"and {n_post} nodes takes shape {expected}")
        if rule["rule"] == "all_to_all":
            return arr[j, i]
        if rule["rule"] == "one_to_one":
            return arr[i]  # pairs dropped as autapses leave gaps
        return arr.reshape(-1)  # the other rules draw in their arrays' order

    @staticmethod
    def _array_shape(rule, n_pre, n_post):
        name = rule["rule"]
        if name == "one_to_one":
            return (n_pre,)
        if name == "all_to_all":
            return (n_post, n_pre)
        if name == "fixed_indegree":
            return (n_post, rule["indegree"])
        if name == "fixed_outdegree":
            return (n_pre, rule["outdegree"])
        if name == "fixed_total_number":
            return (rule["N"],)
        raise NESTError(f"syn_spec: {name} takes a number or a nest.random parameter for weight and delay, "
                        f"not an array")

    def _grid_delay(self, d):
        """Delays on the resolution grid (NEST rounds them), at least one step."""
        h = self.resolution
        if isinstance(d, snn_init.Distribution):
            return d
        if isinstance(d, float):
            steps = round(d / h)
            if steps < 1:
                raise NESTError(f"delay must be >= the resolution ({h} ms), got {d}")
            return steps * h
        steps = torch.round(d / h)
        if d.numel() and steps.min() < 1:
            raise NESTError(f"delay must be >= the resolution ({h} ms), got {float(d.min())}")
        return steps * h

    def _rule_for(self, model: _models.SynapseModel, values: dict, post: Block, local: torch.Tensor):
        if model.rule is None:
            return None
        post_params = {}
        for k in _models.ARCHIVING:
            v = post.extra[k][local] if k in post.extra else torch.tensor([_models.ARCHIVING[k][0]])
            if not bool((v == v[0]).all()):
                raise NESTError(f"{model.name}: the targets' {k} differs between neurons; snn needs one value per "
                                f"Connect and target population")
            post_params[k] = float(v[0])
        try:
            kwargs = _models.rule_params(model, values, post_params)
        except ValueError as e:
            raise NESTError(str(e)) from None
        if model.rule == "DopamineSTDP":
            vt = values.get("vt", -1)
            if vt is None or vt < 1:
                raise NESTError(f"{model.name}: no volume transmitter assigned; set 'vt' to a volume_transmitter "
                                f"(CopyModel('stdp_dopamine_synapse', name, {{'vt': vt}}))")
            return snn_plasticity.DopamineSTDP(signal=self._signal(vt), **kwargs)
        return getattr(snn_plasticity, model.rule)(**kwargs)

    def _signal(self, vt_gid: int) -> str:
        block = self.block_of(vt_gid)
        if not block.signal:
            block.signal = "dopamine" if not self.signals else f"dopamine_vt{vt_gid}"
            self.signals[vt_gid] = block.signal
        return block.signal

    def _connect_spiking(self, pre_ids, post_ids, pre_parts, post_parts, conn, model, values, pk, want):
        """Neurons, parrots and spike generators onto neurons: one projection per pair of blocks."""
        rule = conn["rule"]
        n_pre, n_post = len(pre_ids), len(post_ids)
        weight, delay = values["weight"], values["delay"]
        for key in ("weight", "delay"):
            v = values[key]
            if not _is_number(v) and not isinstance(v, Parameter):
                expected = self._array_shape(conn, n_pre, n_post)
                if tuple(np.shape(v)) != expected:
                    raise NESTError(f"syn_spec: {key} array has shape {tuple(np.shape(v))}; {rule} between {n_pre} "
                                    f"and {n_post} nodes takes shape {expected}")
        if pk == "poisson_generator":
            return self._connect_poisson(pre_ids, post_ids, pre_parts, conn, model, values, want)
        # Each call below gets (pre block, pre local, post block, post local, spec kwargs, weight, delay).
        calls = []
        engine_rule = rule in ("all_to_all", "pairwise_bernoulli") or \
            (rule == "fixed_indegree" and len(pre_parts) == 1) or \
            (rule == "fixed_outdegree" and len(post_parts) == 1) or \
            (rule == "fixed_total_number" and len(pre_parts) == 1 and len(post_parts) == 1)
        if rule == "one_to_one" or not engine_rule:
            i, j = self._pairs(conn, pre_ids, post_ids)
            w = self._per_pair(weight, "weight", conn, n_pre, n_post, i, j)
            d = self._per_pair(delay, "delay", conn, n_pre, n_post, i, j)
            pre_of, post_of = pre_ids[i], post_ids[j]
            for pb, pl, pp in self.split(pre_of):
                sub_post = post_of[pp]
                for qb, ql, qp in self.split(sub_post):
                    sel = pp[qp]
                    calls.append((pb, pl[qp], qb, ql, dict(conn="one_to_one"), _take(w, sel), _take(d, sel)))
        else:
            for pb, pl, pp in pre_parts:
                for qb, ql, qp in post_parts:
                    kw = dict(conn=rule, autapses=conn["allow_autapses"], multapses=conn["allow_multapses"])
                    if rule in RULE_ARGS:
                        kw[RULE_ARGS[rule]] = conn[RULE_ARGS[rule]]
                    calls.append((pb, pl, qb, ql, kw, self._block_values(weight, conn, pp, qp, n_pre, n_post),
                                  self._block_values(delay, conn, pp, qp, n_pre, n_post)))
        made = []
        for pb, pl, qb, ql, kw, w, d in calls:
            if rule not in ("one_to_one", "all_to_all", "pairwise_bernoulli") and conn["allow_multapses"]:
                kw["storage"] = "sparse"  # multapses stay separate synapses, as NEST lists them
            plasticity = self._rule_for(model, values, qb, ql)
            proj = self._project(pb.pop, pl, qb.pop, ql, kw, w, self._grid_delay(d), plasticity)
            made.append(self._record(proj, model, values, pb.first + torch.arange(pb.n), qb))
        return self._collection(made) if want else None

    def _block_values(self, value, conn, pre_pos, post_pos, n_pre, n_post):
        """The share of a NEST weight or delay array for one pair of blocks, in the engine's layout."""
        if isinstance(value, Parameter):
            return value.to_init()
        if _is_number(value):
            return float(value)
        arr = torch.as_tensor(np.asarray(value, dtype=np.float64))
        rule = conn["rule"]
        if rule == "all_to_all":
            return arr[post_pos][:, pre_pos].t().contiguous()
        if rule == "fixed_indegree":
            return arr[post_pos].reshape(-1)
        if rule == "fixed_outdegree":
            return arr[pre_pos].reshape(-1)
        return arr.reshape(-1)

    def _project(self, pre_pop, pre_local, post_pop, post_local, kw, weight, delay, plasticity):
        pre = pre_pop if _whole(pre_local, pre_pop.size) else pre_pop[pre_local]
        post = post_pop if _whole(post_local, post_pop.size) else post_pop[post_local]
        if isinstance(weight, torch.Tensor):
            weight = weight.to(self.net.dtype)
        try:
            return self.net.connect(pre, post, kw.pop("conn"), weight=weight, delay=delay, plasticity=plasticity, **kw)
        except ValueError as e:
            raise NESTError(f"Connect: {e}") from None

    def _record(self, proj, model, values, pre_gids, post_block) -> Connection:
        wr = values.get("weight_recorder")
        c = Connection(proj, model, dict(values), pre_gids, post_block,
                       self.block_of(wr) if wr is not None else None)
        for k in model.state:
            v = values.get(k, 0.0)
            if v:
                state = proj.plasticity.state[k]
                state.fill_(v)
        if c.weight_recorder is not None:
            c.recorder_monitor = self.net.monitor(proj, "transmissions")
        self.connections.append(c)
        return c

    def _connect_poisson(self, pre_ids, post_ids, pre_parts, conn, model, values, want):
        """poisson_generator -> targets: one PoissonInput source per connection (NEST sends each target
        its own train), one_to_one onto the targets."""
        gen_block = pre_parts[0][0]
        if len(pre_parts) > 1:
            raise NESTError("Connect: the poisson_generators of one Connect must come from one Create call")
        i, j = self._pairs(conn, pre_ids, post_ids)
        w = self._per_pair(values["weight"], "weight", conn, len(pre_ids), len(post_ids), i, j)
        d = self._grid_delay(self._per_pair(values["delay"], "delay", conn, len(pre_ids), len(post_ids), i, j))
        gen_local = pre_ids[i] - gen_block.first
        made = []
        for qb, ql, qp in self.split(post_ids[j]):
            gens = gen_local[qp]
            rates = torch.tensor([gen_block.nodes[g]["rate"] for g in gens.tolist()], dtype=torch.float64)
            rate = float(rates[0]) if len(rates) and bool((rates == rates[0]).all()) else rates
            source = self.net.add(snn_neurons.PoissonInput(len(gens), rate=rate),
                                  name=f"poisson_generator_{gen_block.first}_to_{qb.first}_{len(self.connections)}")
            gen_block.emitters.append((source, gens))
            plasticity = self._rule_for(model, values, qb, ql)
            proj = self._project(source, torch.arange(len(gens)), qb.pop, ql, dict(conn="one_to_one"), _take(w, qp),
                                 _take(d, qp), plasticity)
            made.append(self._record(proj, model, values, gens + gen_block.first, qb))
        return self._collection(made) if want else None

    def _refresh_rates(self, block: Block) -> None:
        rates = torch.tensor([node["rate"] for node in block.nodes], dtype=torch.float64)
        for source, gens in block.emitters:
            r = rates[gens]
            source._cpp.set_params({"rate": float(r[0]) if bool((r == r[0]).all()) else r})

    def _connect_dc(self, pre_ids, post_ids, conn, model, values):
        if model.rule is not None:
            raise NESTError(f"Connect: a dc_generator sends currents through static synapses, not {model.name}")
        i, j = self._pairs(conn, pre_ids, post_ids)
        w = self._per_pair(values["weight"], "weight", conn, len(pre_ids), len(post_ids), i, j)
        if isinstance(w, snn_init.Distribution):
            raise NESTError("Connect: dc_generator weights must be numbers or arrays")
        w = torch.full((len(i),), w, dtype=torch.float64) if isinstance(w, float) else w
        gens = self.split(pre_ids[i])
        for gb, gl, gp in gens:
            for qb, ql, qp in self.split(post_ids[j][gp]):
                sel = gp[qp]
                gb.emitters.append((qb, gl[qp], ql, w[sel]))
        return None

    def _connect_spike_recorder(self, pre_ids, post_ids, conn):
        i, j = self._pairs(conn, pre_ids, post_ids)
        for rb, rl, rp in self.split(post_ids[j]):
            sources = pre_ids[i][rp]
            for node in torch.unique(rl).tolist():
                mine = sources[rl == node]
                for sb, sl, _ in self.split(torch.unique(mine)):
                    if id(sb) not in self.spike_monitors:
                        self.spike_monitors[id(sb)] = self.net.monitor(sb.pop)
                    rb.recorded[node].append((sb, sl, self.time))
        return None

    def _connect_multimeter(self, pre_ids, post_ids, conn):
        i, j = self._pairs(conn, pre_ids, post_ids)
        plan = []
        for mb, ml, mp in self.split(pre_ids[i]):
            for node in torch.unique(ml).tolist():
                p = mb.nodes[node]
                targets = torch.unique(post_ids[j][mp][ml == node])
                for tb, tl, _ in self.split(targets):
                    missing = [v for v in p["record_from"] if v not in tb.model.recordables]
                    if missing:
                        raise NESTError(f"Connect: {tb.model.name} cannot be recorded from {missing[0]!r}; "
                                        f"recordables: {', '.join(tb.model.recordables)}")
                    if p["interval"] < self.resolution:
                        raise NESTError(f"multimeter interval {p['interval']} is below the resolution {self.resolution}")
                    plan.append((mb, node, tb, tl, p))
        for mb, node, tb, tl, p in plan:
            monitors = {v: self.net.monitor(tb.pop, v, neurons=tl.tolist(), interval=p["interval"])
                        for v in p["record_from"]}
            mb.meters[node].append((tb, tl, monitors))
        return None

    def _connect_volume_transmitter(self, pre_parts, post_parts, conn, syn_spec):
        if len(post_parts) != 1 or len(post_parts[0][1]) != 1:
            raise NESTError("Connect: connect to one volume_transmitter at a time")
        vt_block, vt_local, _ = post_parts[0]
        vt_gid = vt_block.first + int(vt_local[0])
        model, values, _ = self.syn_spec(syn_spec)
        for sb, sl, _ in pre_parts:
            if sb.kind not in ("neuron", "spike_generator") or not _whole(sl, sb.n):
                raise NESTError("Connect: snn.nest feeds a volume_transmitter from whole populations (all nodes of "
                                "one Create call, e.g. a parrot_neuron); got part of "
                                f"{sb.model.name} {sb.first}..{sb.first + sb.n - 1}")
            d = values["delay"]
            if not _is_number(d):
                raise NESTError("Connect: the delay to a volume_transmitter must be a number")
            self.net.neuromodulator(self._signal(vt_gid), sb.pop, delay=self._grid_delay(float(d)))
        return None

    def _collection(self, connections):
        from ._nodes import SynapseCollection
        return SynapseCollection([(c, torch.arange(c.proj.num_synapses)) for c in connections])

    # ---- connections: reading and writing -----------------------------------------------------
    def get_connections(self, source, target, synapse_model):
        from ._nodes import SynapseCollection
        if synapse_model is not None:
            m = self.model(synapse_model, "synapse_model")
            if not isinstance(m, _models.SynapseModel):
                raise NESTError(f"GetConnections: {synapse_model!r} is not a synapse model")
        groups = []
        for c in self.connections:
            if synapse_model is not None and c.model.name != m.name:
                continue
            pre, post = c.proj.indices()
            keep = torch.ones(len(pre), dtype=torch.bool)
            if source is not None:
                keep &= torch.isin(c.pre_gids[pre.cpu()], source)
            if target is not None:
                keep &= torch.isin(post.cpu() + c.post.first, target)
            groups.append((c, keep.nonzero().flatten()))
        return SynapseCollection(groups)

    def synapse_keys(self, groups) -> List[str]:
        keys = ["source", "target", "synapse_model", "weight", "delay", "receptor", "port"]
        for c, _ in groups:
            keys += [k for k in c.model.params if k not in keys and k not in ("receptor_type",)]
        return keys

    def synapse_values(self, groups, name: str) -> list:
        out = []
        for c, sel in groups:
            out += self._synapse_column(c, sel, name)
        return out

    def _synapse_column(self, c: Connection, sel: torch.Tensor, name: str) -> list:
        if name == "w":
            name = "weight"
        proj = c.proj
        pre, post = proj.indices()
        pre, post = pre.cpu()[sel], post.cpu()[sel]
        if name == "source":
            return c.pre_gids[pre].tolist()
        if name == "target":
            return (post + c.post.first).tolist()
        if name == "synapse_model":
            return [c.model.name] * len(sel)
        if name in ("receptor", "receptor_type"):
            return [0] * len(sel)
        if name == "port":
            return sel.tolist()
        if name == "weight":
            return _entries(proj.weight, proj.storage, sel, pre, post)
        if name == "delay":
            d = proj.delay
            return [float(d)] * len(sel) if d.dim() == 0 else _entries(d, proj.storage, sel, pre, post)
        if name in c.model.state:
            state = proj.plasticity.state[name]
            if state.dim() == 1:  # one value per batch entry (n): the same for every synapse
                return [float(state[0])] * len(sel)
            return _entries(state[0], proj.storage, sel, pre, post)
        if name in c.values:
            v = c.values[name]
            return [v if not isinstance(v, (np.ndarray, Parameter)) else None] * len(sel)
        raise NESTError(f"{c.model.name} connections have no {name!r}; keys: {', '.join(self.synapse_keys([(c, sel)]))}")

    def set_synapses(self, groups, params: dict, n: int) -> None:
        if not isinstance(params, dict):
            raise TypeError(f"SynapseCollection.set takes a dict, got {type(params).__name__}")
        plans, start = [], 0
        for c, sel in groups:
            plans.append(self._plan_synapses(c, sel, params, start, n))
            start += len(sel)
        for apply in plans:
            apply()

    def _plan_synapses(self, c: Connection, sel: torch.Tensor, params: dict, start: int, n: int):
        proj = c.proj
        changes, rule_values, state_values = None, {}, {}
        for key, value in params.items():
            key = {"w": "weight"}.get(key, key)
            if key in SYNAPSE_READ_ONLY:
                raise NESTError(f"SetStatus: {key} of a connection cannot be changed in snn.nest")
            if key != "weight" and key not in c.model.params:
                raise NESTError(f"SetStatus: {c.model.name} has no parameter {key!r}; parameters: "
                                f"{', '.join(sorted(c.model.params))}")
            if _is_number(value):
                vals = torch.full((len(sel),), float(value), dtype=torch.float64)
            else:
                arr = torch.as_tensor(np.asarray(value, dtype=np.float64)).reshape(-1)
                if arr.numel() != n:
                    raise NESTError(f"SetStatus: {key} has {arr.numel()} values for {n} connections")
                vals = arr[start:start + len(sel)]
            if not bool(torch.isfinite(vals).all()):
                raise NESTError(f"SetStatus: {key} values must be finite")
            if key == "weight":
                changes = vals
            elif key in c.model.state:
                state_values[key] = vals
            else:
                if not bool((vals == vals[0]).all()) or len(sel) != proj.num_synapses:
                    raise NESTError(f"SetStatus: snn shares {key} among the synapses of one Connect call; set one "
                                    f"value for all of them (GetConnections of the whole Connect)")
                rule_values[key] = float(vals[0])
        rule_kwargs = None
        if rule_values:
            values = dict(c.values, **rule_values)
            rule = self._rule_for(c.model, values, c.post, torch.arange(c.post.n))
            rule_kwargs = rule.params  # the engine's names, checked by the rule's constructor

        def apply():
            if changes is not None:
                pre, post = proj.indices()
                w = proj.weight.clone()
                _assign(w, proj.storage, sel, pre.cpu()[sel], post.cpu()[sel], changes)
                proj.weight = w
            for key, vals in state_values.items():
                state = proj.plasticity.state[key]
                if state.dim() == 1:
                    state.fill_(float(vals[0]))
                else:
                    pre, post = proj.indices()
                    _assign(state[0], proj.storage, sel, pre.cpu()[sel], post.cpu()[sel], vals)
            if rule_kwargs is not None:
                c.values.update(rule_values)
                proj.plasticity.set(**rule_kwargs)
        return apply
