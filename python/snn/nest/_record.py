"""Recorders of the snn.nest kernel: events in NEST's layout, and NEST 3's ASCII files."""
import os

import numpy as np
import torch

from . import _models
from ._common import Block, NESTError, _order


class RecordMixin:
    """Kernel methods for recorders (events of spike recorders, multimeters, weight recorders; files)."""

    # ---- recorders ----------------------------------------------------------------------------
    def events(self, block: Block, node: int) -> dict:
        p = block.nodes[node]
        lo, hi = p["origin"] + p["start"], p["origin"] + p["stop"]
        since = block.cleared[node]
        if block.kind == "recorder":
            times, senders = [], []
            for sb, sl, after in block.recorded[node]:
                t, s = self.spike_monitors[id(sb)].events()
                t, s = t.cpu(), s.cpu()
                keep = torch.isin(s, sl) & (t > max(after, since, lo)) & (t <= hi)
                times.append(t[keep])
                senders.append(s[keep] + sb.first)
            t = torch.cat(times) if times else torch.zeros(0, dtype=torch.float64)
            s = torch.cat(senders) if senders else torch.zeros(0, dtype=torch.long)
            order = _order(t, s)
            return {"times": t[order].numpy(), "senders": s[order].numpy()}
        if block.kind == "multimeter":
            times, senders, columns = [], [], {v: [] for v in p["record_from"]}
            for tb, tl, monitors in block.meters[node]:
                if not monitors:
                    continue
                first = next(iter(monitors.values()))
                t = first.times().cpu()
                keep = (t > max(since, lo)) & (t <= hi)
                m = len(tl)
                times.append(t[keep].repeat_interleave(m))
                senders.append((tl + tb.first).repeat(int(keep.sum())))
                for v, mon in monitors.items():
                    columns[v].append(mon.values()[keep][:, 0, :].double().cpu().reshape(-1))
            t = torch.cat(times) if times else torch.zeros(0, dtype=torch.float64)
            s = torch.cat(senders) if senders else torch.zeros(0, dtype=torch.long)
            order = _order(t, s)
            out = {"times": t[order].numpy(), "senders": s[order].numpy()}
            for v, parts in columns.items():
                out[v] = (torch.cat(parts)[order] if parts else torch.zeros(0, dtype=torch.float64)).numpy()
            return out
        if block.kind == "weight_recorder":
            cols = {k: [] for k in ("times", "senders", "targets", "weights")}
            for c in self.connections:
                if c.weight_recorder is not block or c.recorder_monitor is None:
                    continue
                ev = c.recorder_monitor.events()
                t, pre, post, w = ev["times"], ev["senders"], ev["targets"], ev["weights"]
                src, tgt = c.pre_gids[pre], post + c.post.first
                keep = (t > max(since, lo)) & (t <= hi)
                if p["senders"]:
                    keep &= torch.isin(src, torch.tensor(p["senders"]))
                if p["targets"]:
                    keep &= torch.isin(tgt, torch.tensor(p["targets"]))
                for k, v in zip(cols, (t, src, tgt, w.double())):
                    cols[k].append(v[keep])
            out = {k: torch.cat(v) if v else torch.zeros(0) for k, v in cols.items()}
            order = _order(out["times"].double(), out["senders"].long()) if len(out["times"]) else torch.zeros(0, dtype=torch.long)
            return {k: v[order].numpy() for k, v in out.items()}
        return {}

    def _ascii_files(self):
        """[(block, node, path)] of the recorders with record_to = "ascii" (NEST 3's file names:
        data_path/data_prefix + label-id-0.dat); an error for a file this kernel may not overwrite."""
        out = []
        for block in self.blocks:
            if block.kind not in ("recorder", "multimeter", "weight_recorder"):
                continue
            for i, p in enumerate(block.nodes):
                if p["record_to"] != "ascii":
                    continue
                name = f"{self.status['data_prefix']}{p['label'] or block.model.name}-{block.first + i}-0.{p['file_extension']}"
                path = os.path.join(self.status["data_path"] or ".", name)
                if path not in self.files and os.path.exists(path) and not self.status["overwrite_files"]:
                    raise NESTError(f"recorder {block.first + i}: {path} exists; set nest.overwrite_files = True "
                                    f"or choose another data_path, data_prefix or label")
                out.append((block, i, path))
        return out

    def _write_files(self) -> None:
        """All events so far of each ascii recorder, rewritten after every run, tab-separated."""
        for block, i, path in self._ascii_files():
            p = block.nodes[i]
            ev = self.events(block, i)
            columns = ["sender", "time_ms"] + [k for k in ev if k not in ("senders", "times")]
            cols = [ev["senders"], ev["times"]] + [ev[k] for k in columns[2:]]
            fmt = "\t".join(["%d", f"%.{p['precision']}f"] +
                             ["%d" if k == "targets" else f"%.{p['precision']}f" for k in columns[2:]])
            with open(path, "w") as f:
                f.write(f"# NEST version: {_models.SNN_NEST_VERSION}\n# RecordingBackendASCII version: 2\n")
                f.write("\t".join(columns) + "\n")
                if len(ev["times"]):
                    np.savetxt(f, np.column_stack(cols), fmt=fmt)
            self.files.add(path)
