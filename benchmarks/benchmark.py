"""Benchmark snn_core against snnTorch, Norse and a ReLU MLP on the two-moons network.

    python benchmarks/benchmark.py              # the comparison table (2-2.5 minutes on 2 cores)
    python benchmarks/benchmark.py --sweep      # snn_core's time per epoch against T, batch and width
    python benchmarks/benchmark.py --profile    # where snn_core's training time goes
    python benchmarks/benchmark.py --quick      # a smoke run: 20 epochs, one round
    SNN_CORE_KEEP_FREED_MEMORY=0 python benchmarks/benchmark.py --sweep   # glibc's own allocator policy

Every spiking implementation is the same 2-32-32-1 network: direct encoding (the same input
current at every step), LIF neurons with beta 0.9, threshold 1 and reset by subtraction, a
fast-sigmoid surrogate of slope 25, and a linear read-out of layer 2's mean spike rate. All of them
start from the same weights (the same seed, the same order of nn.Linear layers), train on the same
data with the same full-batch Adam loop, and differ only in their forward. Runs alternate between
implementations (round robin), so that a slow spell of a shared machine hits them all alike, and
the table reports medians. Norse's LIF differs slightly; benchmarks/README.md says how.
"""
import argparse
import gc
import importlib
import os
import platform
import statistics
import sys
import time
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile, record_function

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # snn_core lives in the repo root
import snn_core  # noqa: E402

INSTALL_HINT = "pip install --no-deps -r requirements-bench.txt"


@dataclass
class Config:
    """What one benchmark run measures; Config.quick() is the smoke-test version."""
    epochs: int = 300
    rounds: int = 3             # round robin: each round trains every implementation once
    n_train: int = 1000         # full batch: one Adam step per epoch on all of them
    n_test: int = 2000
    noise: float = 0.2
    hidden: int = 32            # two hidden layers of this width
    num_steps: int = 25
    lr: float = 0.01
    seed: int = 0               # the data and every model's initial weights
    grid: int = 100             # inference on a grid x grid lattice of points
    inference_repeats: int = 3  # per round, so the inference median is over rounds * repeats
    sweep_epochs: int = 10      # per point, after one warm-up epoch
    profile_epochs: int = 5

    @classmethod
    def quick(cls):
        return cls(epochs=20, rounds=1, grid=30, inference_repeats=1, sweep_epochs=2, profile_epochs=2)


# --- the same network in each library --------------------------------------------------------------

class SnnTorchNetwork(nn.Module):
    """The network in idiomatic snnTorch: nn.Linear + snn.Leaky layers and a Python loop over time."""

    def __init__(self, hidden=32, num_steps=25, beta=0.9, threshold=1.0, slope=25.0):
        super().__init__()
        import snntorch as snn
        from snntorch import surrogate

        lif = dict(beta=beta, threshold=threshold, spike_grad=surrogate.fast_sigmoid(slope=slope),
                   reset_mechanism="subtract", init_hidden=False)
        self.num_steps = num_steps
        self.fc1, self.lif1 = nn.Linear(2, hidden), snn.Leaky(**lif)
        self.fc2, self.lif2 = nn.Linear(hidden, hidden), snn.Leaky(**lif)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, x):
        cur1 = self.fc1(x)  # [B, H]: the same current at every step, so computed once
        mem1, mem2 = self.lif1.init_leaky(), self.lif2.init_leaky()
        spk2_rec = []
        for _ in range(self.num_steps):
            spk1, mem1 = self.lif1(cur1, mem1)
            spk2, mem2 = self.lif2(self.fc2(spk1), mem2)
            spk2_rec.append(spk2)
        return self.readout(torch.stack(spk2_rec).mean(0))  # [T, B, H] -> rate [B, H] -> logits [B, 1]


class NorseNetwork(nn.Module):
    """The network in idiomatic Norse: nn.Linear + LIFBoxCell layers and a Python loop over time.

    LIFBoxCell integrates v += dt * tau_mem_inv * (v_leak - v + i): the leak is
    1 - dt * tau_mem_inv = beta, and the input arrives scaled by 1 - beta, which input_gain undoes.
    reset_method is Norse's own reset_subtract unless given (the tests pass a variant). The reset's
    timing and the surrogate's slope still differ from snnTorch's Leaky: benchmarks/README.md says how.
    """

    def __init__(self, hidden=32, num_steps=25, beta=0.9, threshold=1.0, slope=25.0, reset_method=None):
        super().__init__()
        from norse.torch import LIFBoxCell, LIFBoxParameters
        from norse.torch.functional.reset import reset_subtract

        dt = 1e-3  # Norse's default; only dt * tau_mem_inv matters
        p = LIFBoxParameters(tau_mem_inv=torch.as_tensor((1 - beta) / dt), v_leak=torch.as_tensor(0.0),
                             v_th=torch.as_tensor(threshold), reset_method=reset_method or reset_subtract,
                             method="super", alpha=torch.as_tensor(slope))
        self.num_steps, self.input_gain = num_steps, 1 / (1 - beta)
        self.fc1, self.lif1 = nn.Linear(2, hidden), LIFBoxCell(p, dt=dt)
        self.fc2, self.lif2 = nn.Linear(hidden, hidden), LIFBoxCell(p, dt=dt)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, x):
        cur1 = self.fc1(x) * self.input_gain  # [B, H]: computed once
        state1 = state2 = None  # each cell builds its zero state on the first call
        z2_rec = []
        for _ in range(self.num_steps):
            z1, state1 = self.lif1(cur1, state1)
            z2, state2 = self.lif2(self.fc2(z1) * self.input_gain, state2)
            z2_rec.append(z2)
        return self.readout(torch.stack(z2_rec).mean(0))  # [T, B, H] -> rate [B, H] -> logits [B, 1]


def relu_mlp(hidden=32):
    """The non-spiking reference: 2-hidden-hidden-1 with ReLU."""
    return nn.Sequential(nn.Linear(2, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, 1))


@dataclass
class Implementation:
    """A name and a builder: build(hidden, num_steps) -> model, forward(x [B, 2]) -> logits [B, 1]."""
    name: str
    build: Callable[[int, int], nn.Module]


def implementations(with_snntorch, with_norse):
    """The contenders, snn_core's fast engine first (the table's unit)."""
    impls = [
        Implementation("snn_core fast", lambda h, t: snn_core.SpikingNeuralNetwork(
            hidden_sizes=(h, h), num_steps=t, engine="fast")),
        Implementation("snn_core reference", lambda h, t: snn_core.SpikingNeuralNetwork(
            hidden_sizes=(h, h), num_steps=t, engine="reference")),
    ]
    if with_snntorch:
        impls.append(Implementation(f"snnTorch {package_version('snntorch')}", SnnTorchNetwork))
    if with_norse:
        impls.append(Implementation(f"Norse {package_version('norse')}", NorseNetwork))
    impls.append(Implementation("ReLU MLP (not spiking)", lambda h, t: relu_mlp(h)))
    return impls


def build(impl, hidden, num_steps, seed):
    torch.manual_seed(seed)  # the same seed and layer order: the same initial weights everywhere
    return impl.build(hidden, num_steps)


def linear_layers(model):
    """A model's nn.Linear layers in registration order: fc1, fc2, readout in every implementation."""
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def copy_weights(source, target):
    """Give target the same weights as source, layer by layer."""
    for a, b in zip(linear_layers(source), linear_layers(target), strict=True):
        b.load_state_dict(a.state_dict())
    return target


# --- measurements ---------------------------------------------------------------------------------------

def train_step(model, opt, X, y):
    loss = F.binary_cross_entropy_with_logits(model(X), y)
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()
    return loss


def train_seconds(model, X, y, epochs, lr):
    """Wall time of `epochs` full-batch Adam steps on binary cross-entropy."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    start = time.perf_counter()
    for _ in range(epochs):
        train_step(model, opt, X, y)
    return time.perf_counter() - start


@torch.no_grad()
def test_accuracy(model, X, y):
    return float(((model(X) > 0).float() == y).float().mean())


@torch.no_grad()
def inference_seconds(model, X, repeats):
    """Wall time of each of `repeats` forward passes over X."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model(X)
        times.append(time.perf_counter() - start)
    return times


@contextmanager
def garbage_collection_paused():
    """Collect now, then not inside: a collection would free older models' tensors mid-measurement."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def peak_step_bytes(model, X, y, lr):
    """Peak bytes allocated during one training step, above what was live before it.

    Two allocators, each measured exactly: torch's, by replaying torch.profiler's memory events
    (every allocation and free, in order), and Python's and NumPy's (where a compiled kernel, such as
    snn_core's fast path at the time of writing, keeps its buffers), by tracemalloc's peak. Their sum bounds the step's peak from above;
    for a model that allocates only through torch it is the peak. It counts activations saved for
    backward, gradients and temporaries; not the weights, nor the allocators' slack. The step is the
    second of two, so Adam's moment buffers and any state a library keeps between calls exist
    already, and the profiler has seen the allocation of every block the step frees.
    """
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    tracemalloc.start()
    with garbage_collection_paused(), profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        train_step(model, opt, X, y)
        tracemalloc.reset_peak()
        python_before = tracemalloc.get_traced_memory()[0]
        with record_function("measured step"):
            train_step(model, opt, X, y)
        python_peak = tracemalloc.get_traced_memory()[1] - python_before
    tracemalloc.stop()
    events = prof.profiler.kineto_results.events()  # the raw list: "[memory]" events carry +bytes or -bytes
    step = next(e for e in events if e.name() == "measured step")
    memory = sorted((e for e in events if e.name() == "[memory]"), key=lambda e: e.start_ns())
    before = sum(e.nbytes() for e in memory if e.start_ns() < step.start_ns())  # live as the step begins
    live = peak = before
    for e in memory:
        if step.start_ns() <= e.start_ns() <= step.end_ns():
            live += e.nbytes()
            peak = max(peak, live)
    return peak - before + python_peak


@dataclass
class Result:
    name: str
    train_s: float       # median over rounds, all epochs
    test_acc: float
    inference_s: float   # median over rounds and repeats, one pass over the grid
    peak_bytes: int


def compare(impls, data, cfg):
    """Train and time every implementation, alternating between them for cfg.rounds rounds."""
    grid = snn_core.grid_points(data.X_test, cfg.grid)[2]  # the decision grid's [grid**2, 2] points
    train_s = {impl.name: [] for impl in impls}
    infer_s = {impl.name: [] for impl in impls}
    test_acc = {}
    for impl in impls:  # untimed warm-up: JIT compilation and lazy initialisation stay out of round 1
        model = build(impl, cfg.hidden, cfg.num_steps, cfg.seed)
        train_seconds(model, data.X_train, data.y_train, 2, cfg.lr)
        inference_seconds(model, grid, 1)
    for r in range(cfg.rounds):
        for impl in impls:
            model = build(impl, cfg.hidden, cfg.num_steps, cfg.seed)
            train_s[impl.name].append(train_seconds(model, data.X_train, data.y_train, cfg.epochs, cfg.lr))
            test_acc[impl.name] = test_accuracy(model, data.X_test, data.y_test)  # the same every round
            infer_s[impl.name] += inference_seconds(model, grid, cfg.inference_repeats)
        print(f"round {r + 1}/{cfg.rounds}: " + ", ".join(f"{n} {t[-1]:.2f} s" for n, t in train_s.items()),
              flush=True)
    results = []
    for impl in impls:
        model = build(impl, cfg.hidden, cfg.num_steps, cfg.seed)
        peak = peak_step_bytes(model, data.X_train, data.y_train, cfg.lr)  # deterministic: measured once
        results.append(Result(impl.name, statistics.median(train_s[impl.name]), test_acc[impl.name],
                              statistics.median(infer_s[impl.name]), peak))
    return results


def comparison_table(results, cfg):
    """A markdown table, times relative to the first row (snn_core fast)."""
    unit = results[0]
    lines = [f"| implementation | train, {cfg.epochs} epochs (s) | vs fast | test accuracy | "
             f"inference, {cfg.grid ** 2:,} points (ms) | vs fast | peak train-step memory (MiB) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in results:
        lines.append(f"| {r.name} | {r.train_s:.2f} | {r.train_s / unit.train_s:.2f}x | {r.test_acc:.4f} | "
                     f"{1e3 * r.inference_s:.1f} | {r.inference_s / unit.inference_s:.2f}x | "
                     f"{r.peak_bytes / 2 ** 20:.1f} |")
    return "\n".join(lines)


# --- sweep and profile ------------------------------------------------------------------------------------

def epoch_ms(model, X, y, epochs, lr):
    """Milliseconds per full-batch epoch, after one warm-up epoch."""
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    train_step(model, opt, X, y)
    start = time.perf_counter()
    for _ in range(epochs):
        train_step(model, opt, X, y)
    return 1e3 * (time.perf_counter() - start) / epochs


def sweep(impls, cfg):
    """snn_core fast's ms per epoch as T, batch and width each move away from the default point.

    impls[0] is snn_core fast; impls[1], if given (snnTorch), is timed at every point too.
    """
    data = snn_core.make_moons_data(4000, 1, cfg.noise, cfg.seed)  # each batch is its first n points
    points = ([("T", t, 1000, cfg.hidden) for t in (10, 25, 50, 100)]  # (varied, T, batch, hidden)
              + [("batch", cfg.num_steps, b, cfg.hidden) for b in (250, 1000, 4000)]
              + [("hidden", cfg.num_steps, 1000, h) for h in (16, 32, 64, 128)])
    other = impls[1].name if len(impls) > 1 else None
    header = "| varied | T | batch | hidden | snn_core fast (ms/epoch) |"
    rule = "| --- | ---: | ---: | ---: | ---: |"
    if other:
        header, rule = header + f" {other} (ms/epoch) | {other} / fast |", rule + " ---: | ---: |"
    lines = [header, rule]
    for varied, steps, batch, hidden in points:
        X, y = data.X_train[:batch], data.y_train[:batch]
        ms = [epoch_ms(build(impl, hidden, steps, cfg.seed), X, y, cfg.sweep_epochs, cfg.lr) for impl in impls[:2]]
        line = f"| {varied} | {steps} | {batch} | {hidden} | {ms[0]:.2f} |"
        lines.append(line + (f" {ms[1]:.2f} | {ms[1] / ms[0]:.2f}x |" if other else ""))
    return "\n".join(lines)


def profile_table(impl, data, cfg, rows=15):
    """torch.profiler's top ops by self CPU time over a few training epochs of impl."""
    model = build(impl, cfg.hidden, cfg.num_steps, cfg.seed)
    opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    train_step(model, opt, data.X_train, data.y_train)  # warm-up
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(cfg.profile_epochs):
            train_step(model, opt, data.X_train, data.y_train)
    return prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=rows)


# --- the machine and the optional libraries ---------------------------------------------------------------

def package_version(name):
    return importlib.import_module(name).__version__


def installed(package):
    """True if package imports; otherwise print how to install it."""
    try:
        importlib.import_module(package)
        return True
    except ImportError:
        print(f"{package} not installed: {INSTALL_HINT}")
        return False


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def machine_line():
    return (f"machine: {cpu_model()}, {os.cpu_count()} logical cores; Python {sys.version.split()[0]}, "
            f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); glibc keeps freed memory: "
            f"{'yes' if snn_core.KEEPS_FREED_MEMORY else 'no'}")


def main(argv=None):
    p = argparse.ArgumentParser(description="Benchmark snn_core against snnTorch, Norse and a ReLU MLP "
                                            "on two moons (2-32-32-1, 25 steps).")
    p.add_argument("--compare", action="store_true", help="the comparison table (the default)")
    p.add_argument("--sweep", action="store_true", help="snn_core's ms per epoch against T, batch and width")
    p.add_argument("--profile", action="store_true", help="torch.profiler's top ops in snn_core training")
    p.add_argument("--quick", action="store_true", help="a smoke run: 20 epochs, one round, a 30 x 30 grid")
    p.add_argument("--rounds", type=int, help="round-robin rounds (default 3, or 1 with --quick)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1)")
    a = p.parse_args(argv)
    cfg = Config.quick() if a.quick else Config()
    if a.rounds is not None:
        if a.rounds < 1:
            p.error(f"--rounds must be >= 1, got {a.rounds}")
        cfg = replace(cfg, rounds=a.rounds)
    torch.set_num_threads(a.threads)

    impls = implementations(installed("snntorch"), installed("norse"))
    print("implementations: " + ", ".join(impl.name for impl in impls))
    data = snn_core.make_moons_data(cfg.n_train, cfg.n_test, cfg.noise, cfg.seed)

    if a.compare or not (a.sweep or a.profile):
        print(f"\n## Training and inference: {cfg.n_train} moons (noise {cfg.noise}), 2-{cfg.hidden}-"
              f"{cfg.hidden}-1, {cfg.num_steps} steps, full-batch Adam lr {cfg.lr}; medians of {cfg.rounds} "
              f"round(s)\n", flush=True)
        results = compare(impls, data, cfg)
        print("\n" + comparison_table(results, cfg))
        print(f"\nBayes-optimal accuracy at noise {cfg.noise}: {snn_core.bayes_accuracy(cfg.noise):.4f} "
              f"({cfg.n_test} test points). \"vs fast\": time / snn_core fast's time. Peak memory: bytes "
              f"allocated during one training step, torch's allocator (profiler memory events) plus "
              f"Python's and NumPy's (tracemalloc).")
    if a.sweep:
        snntorch_impls = [i for i in impls if i.name.startswith("snnTorch")]
        print(f"\n## snn_core fast: ms per full-batch epoch (mean of {cfg.sweep_epochs} after one warm-up)\n")
        print(sweep(impls[:1] + snntorch_impls, cfg), flush=True)
    if a.profile:
        print(f"\n## torch.profiler: {cfg.profile_epochs} training epochs of snn_core fast, top ops by self "
              f"CPU time\n")
        print(profile_table(impls[0], data, cfg))
    print("\n" + machine_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
