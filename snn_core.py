"""snn_core: leaky integrate-and-fire (LIF) networks for scikit-learn's two moons.

Tensors are time-major inside: ``[T, B, N]`` = (steps, batch, neurons).

One LIF neuron, with snnTorch's ``Leaky`` semantics (but for H(0), which snnTorch takes as 0, and
the original script as 1); the state starts at zero on every call:

    reset[t] = spk[t-1]                                 (detached: no gradient through the reset)
    mem[t]   = beta * mem[t-1] + cur[t] - threshold * reset[t]       reset="subtract"
    mem[t]   = beta * (1 - reset[t]) * mem[t-1] + cur[t]             reset="zero"
    spk[t]   = H(mem[t] - threshold)                    H(x) = 1 if x >= 0 else 0

H has no useful gradient, so the backward pass uses a surrogate ``dH/dx ~ g(x)`` (all peak at 1):

    fast_sigmoid: g(x) = 1 / (slope * |x| + 1) ** 2
    atan:         g(x) = 1 / (1 + (pi / 2 * slope * x) ** 2)
    None:         the true Heaviside: no gradient at all.

A network presents a 2-D point as the same input current at every step (direct encoding) and reads
out a linear layer on the last hidden layer's mean spike rate. ``original_network`` rebuilds the
public ``SNN-Moons.py`` script's model as a configuration of these classes (beta=0, reset to zero,
no surrogate, ``randn`` weights), so its defects can be shown rather than told.

``lif_reference`` is the readable per-step loop written above; ``lif`` runs the same recurrence as
one autograd Function with a hand-written backward (BPTT), and the tests hold the two equal.
The fast path lives in snn_fast.py; importing it asks glibc to keep freed memory for reuse.
"""
import argparse
import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

import snn_fast

RESETS = ("subtract", "zero")
KEEPS_FREED_MEMORY = snn_fast.KEEPS_FREED_MEMORY  # the allocator setting snn_fast made at import


# The reference's surrogates, word for word the module docstring's (snn_fast's backward kernel
# writes the same two in the arrays' dtype); the denominators are >= 1, so no membrane value gives NaN or inf.
def _fast_sigmoid(x, slope):
    return 1 / (slope * abs(x) + 1) ** 2


def _atan(x, slope):
    return 1 / (1 + (math.pi / 2 * slope * x) ** 2)


SURROGATES = {"fast_sigmoid": _fast_sigmoid, "atan": _atan}


# --- argument checks, used once at each public boundary ------------------------------------------

def _check_real(name, value, low=None, high=None, low_open=False):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    if not math.isfinite(value) or too_low or (high is not None and value > high):
        lo = "" if low is None else f"{'>' if low_open else '>='} {low}"
        hi = "" if high is None else f"<= {high}"
        raise ValueError(f"{name} must be a finite number {' and '.join(filter(None, (lo, hi)))}, got {value!r}")
    return value


def _check_int(name, value, low=1):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < low:
        raise ValueError(f"{name} must be an integer >= {low}, got {value!r}")
    return int(value)


def _check_choice(name, value, choices):
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def _check_input(name, x, ndim, features=None, dtype=None):
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not x.is_floating_point() or (dtype is not None and x.dtype != dtype):
        raise TypeError(f"{name} must be a {dtype or 'floating-point'} tensor, got dtype {x.dtype}")
    if x.dim() != ndim or (features is not None and x.shape[-1] != features) or 0 in x.shape:
        want = ("[T, B, N]" if ndim == 3 else "[B, N]") + ("" if features is None else f" with N = {features}")
        raise ValueError(f"{name} must be a non-empty tensor shaped {want}, got {list(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError(f"{name} contains NaN or inf")
    return x


# --- the functional core --------------------------------------------------------------------------

class _Spike(torch.autograd.Function):
    """spk = H(x) forward; surrogate g(x) backward."""

    @staticmethod
    def forward(ctx, x, surrogate, slope):
        ctx.save_for_backward(x)
        ctx.surrogate, ctx.slope = surrogate, slope
        return (x >= 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * SURROGATES[ctx.surrogate](x, ctx.slope), None, None


def _check_options(reset, surrogate):
    _check_choice("reset", reset, RESETS)
    _check_choice("surrogate", surrogate, (*SURROGATES, None))


def spike(x, surrogate="fast_sigmoid", slope=25.0):
    """H(x) with the named surrogate gradient; surrogate=None gives the true Heaviside (no gradient)."""
    _check_choice("surrogate", surrogate, (*SURROGATES, None))
    if surrogate is None:
        return (x >= 0).to(x.dtype)  # a comparison: no grad_fn, so nothing upstream learns
    return _Spike.apply(x, surrogate, slope)


def lif_reference(cur, threshold=1.0, beta=0.9, reset="subtract", surrogate="fast_sigmoid", slope=25.0):
    """The module docstring's recurrence, step by step with plain autograd: cur [T, B, N] -> (spk, mem)."""
    _check_options(reset, surrogate)
    mem = torch.zeros_like(cur[0])
    spk = torch.zeros_like(cur[0])
    spks, mems = [], []
    for t in range(cur.shape[0]):
        rst = spk.detach()  # we do not backprop through the reset
        if reset == "subtract":
            mem = beta * mem + cur[t] - threshold * rst
        else:
            mem = beta * (1 - rst) * mem + cur[t]
        spk = spike(mem - threshold, surrogate, slope)
        spks.append(spk)
        mems.append(mem)
    return torch.stack(spks), torch.stack(mems)  # [T, B, N] each


def _fast(cur):
    return cur.device.type == "cpu" and cur.dtype in (torch.float32, torch.float64)


def lif(cur, threshold=1.0, beta=0.9, reset="subtract", surrogate="fast_sigmoid", slope=25.0):
    """lif_reference's result (values and gradients), several times faster: snn_fast's Numba
    kernels for CPU float32/64 tensors, lif_reference itself for any other."""
    _check_options(reset, surrogate)
    if not _fast(cur):
        return lif_reference(cur, threshold, beta, reset, surrogate, slope)
    return snn_fast.lif(cur, threshold, beta, reset, surrogate, slope)


# --- modules: thin, stateless wrappers -------------------------------------------------------------

class SpikingNeuron(nn.Module):
    """A population of LIF neurons: forward(cur [T, B, N]) -> (spk, mem), both [T, B, N]."""

    def __init__(self, threshold=1.0, beta=0.9, reset="subtract", surrogate="fast_sigmoid", slope=25.0,
                 engine="fast"):
        super().__init__()
        self.threshold = _check_real("threshold", threshold, low=0, low_open=True)
        self.beta = _check_real("beta", beta, low=0, high=1)
        self.reset = _check_choice("reset", reset, RESETS)
        self.surrogate = _check_choice("surrogate", surrogate, (*SURROGATES, None))
        self.slope = _check_real("slope", slope, low=0, low_open=True)
        self.engine = _check_choice("engine", engine, ("fast", "reference"))  # "reference": lif_reference

    def run(self, cur, threshold=None):
        """forward without the argument checks, for callers that made them already."""
        return (lif if self.engine == "fast" else lif_reference)(cur, *self._options(threshold))

    def spikes(self, cur, num_steps, threshold=None):
        """What a network's hidden layer needs, unchecked: cur [B, N] (the same current at each of
        num_steps steps) or [T, B, N] (T steps) -> spk [T, B, N]. The fast engine keeps the
        membranes for backward only."""
        if self.engine == "fast" and _fast(cur):
            return snn_fast.lif_spikes(cur, num_steps, *self._options(threshold))
        return self.run(cur.expand(num_steps, *cur.shape) if cur.dim() == 2 else cur, threshold)[0]

    def rate(self, cur, num_steps, threshold=None):
        """What a network's last layer needs, unchecked: the mean spike rate [B, N] over the steps, for
        cur as in spikes(). The fast engine counts the spikes as it goes rather than keep them."""
        if self.engine == "fast" and _fast(cur):
            return snn_fast.lif_rate(cur, num_steps, *self._options(threshold))
        spk = self.spikes(cur, num_steps, threshold)
        return spk.sum(0) / spk.shape[0]  # sum / T: mean would divide a [T, B, N] gradient in backward

    def _options(self, threshold):
        return (self.threshold if threshold is None else threshold, self.beta, self.reset, self.surrogate,
                self.slope)

    def forward(self, cur, threshold=None):
        _check_input("cur", cur, 3)
        return self.run(cur, None if threshold is None else _check_real("threshold", threshold, 0, low_open=True))

    def extra_repr(self):
        return (f"threshold={self.threshold}, beta={self.beta}, reset={self.reset!r}, "
                f"surrogate={self.surrogate!r}, slope={self.slope}")


class SpikingLayer(nn.Module):
    """A linear map then a SpikingNeuron: forward(x [T, B, in]) -> (spk, mem), both [T, B, out]."""

    def __init__(self, in_features, out_features, bias=True, **neuron_options):
        super().__init__()
        self.linear = nn.Linear(_check_int("in_features", in_features), _check_int("out_features", out_features),
                                bias=bias)
        self.neuron = SpikingNeuron(**neuron_options)

    def forward(self, x, threshold=None):
        _check_input("x", x, 3, self.linear.in_features, self.linear.weight.dtype)
        threshold = None if threshold is None else _check_real("threshold", threshold, low=0, low_open=True)
        return self.neuron.run(self.linear(x), threshold)


class SpikingNeuralNetwork(nn.Module):
    """Direct-encoded LIF layers and a linear read-out of the last layer's spike rate.

    forward(x [B, input_size], num_steps=None, threshold=None) -> logits [B, output_size]; the two
    keywords override the model's own values for that call only (what the sliders drive).
    """

    def __init__(self, input_size=2, hidden_sizes=(32, 32), output_size=1, num_steps=25, threshold=1.0,
                 beta=0.9, reset="subtract", surrogate="fast_sigmoid", slope=25.0, bias=True, engine="fast"):
        super().__init__()
        if isinstance(hidden_sizes, Integral) or not hasattr(hidden_sizes, "__len__") or not len(hidden_sizes):
            raise ValueError(f"hidden_sizes must be a non-empty sequence of positive integers, got {hidden_sizes!r}")
        if not isinstance(bias, bool):
            raise TypeError(f"bias must be True or False, got {bias!r}")
        sizes = [_check_int("input_size", input_size)] + [_check_int(f"hidden_sizes[{i}]", h) for i, h in enumerate(hidden_sizes)]
        self.num_steps = _check_int("num_steps", num_steps)
        self.layers = nn.ModuleList(
            SpikingLayer(n_in, n_out, bias=bias, threshold=threshold, beta=beta, reset=reset, surrogate=surrogate,
                         slope=slope, engine=engine)
            for n_in, n_out in zip(sizes[:-1], sizes[1:]))
        self.readout = nn.Linear(sizes[-1], _check_int("output_size", output_size))

    @property
    def threshold(self):
        return self.layers[0].neuron.threshold

    def _checked(self, x, num_steps, threshold):
        _check_input("x", x, 2, self.layers[0].linear.in_features, self.readout.weight.dtype)
        steps = self.num_steps if num_steps is None else _check_int("num_steps", num_steps)
        if threshold is not None:
            threshold = _check_real("threshold", threshold, low=0, low_open=True)
        return steps, threshold

    def _run(self, x, num_steps, threshold, record=False):
        cur = self.layers[0].linear(x)  # [B, N_1]: the same current at every step, computed once
        recording = []
        for i, layer in enumerate(self.layers):
            if i:
                cur = layer.linear(spk)  # [T, B, N_i]: one matrix product for all steps
            if record:
                spk, mem = layer.neuron.run(cur.expand(num_steps, *cur.shape) if i == 0 else cur, threshold)
                recording.append((spk, mem))
            elif i < len(self.layers) - 1:
                spk = layer.neuron.spikes(cur, num_steps, threshold)
            else:
                spk = layer.neuron.rate(cur, num_steps, threshold)  # [B, N]: what the read-out reads
        return recording if record else self.readout(spk)  # logits [B, output_size]

    def forward(self, x, num_steps=None, threshold=None):
        return self._run(x, *self._checked(x, num_steps, threshold))

    @torch.no_grad()
    def record(self, x, num_steps=None, threshold=None):
        """Every hidden layer's (spk, mem), each [T, B, N_i], for rasters and membrane traces (no gradient)."""
        return self._run(x, *self._checked(x, num_steps, threshold), record=True)


def original_network(input_size=2, hidden_sizes=(10, 10), output_size=1, threshold=1.0, num_steps=50):
    """The SNN-Moons.py model: randn weights, no bias, mem reset to zero every step, no surrogate."""
    net = SpikingNeuralNetwork(input_size, hidden_sizes, output_size, num_steps, threshold, beta=0.0,
                               reset="zero", surrogate=None, bias=False)
    with torch.no_grad():
        for layer in net.layers:
            layer.linear.weight.copy_(torch.randn(layer.linear.out_features, layer.linear.in_features))
    return net


# --- data, training, evaluation ----------------------------------------------------------------------

@dataclass
class MoonsData:
    """Standardized two-moons splits: X [n, 2] float32, y [n, 1] float32 in {0, 1}."""
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor
    y_test: torch.Tensor
    scaler: object
    noise: float


def make_moons_data(n_train=800, n_test=200, noise=0.1, seed=0):
    """make_moons samples split into train and test, standardized on the training part only."""
    from sklearn.datasets import make_moons
    from sklearn.preprocessing import StandardScaler

    n_train, n_test = _check_int("n_train", n_train, 2), _check_int("n_test", n_test)
    noise = _check_real("noise", noise, low=0)
    seed = _check_int("seed", seed, low=0)
    X, y = make_moons(n_samples=n_train + n_test, noise=noise, random_state=seed)  # shuffled
    scaler = StandardScaler().fit(X[:n_train])
    X = torch.tensor(scaler.transform(X), dtype=torch.float32)
    y = torch.tensor(y, dtype=torch.float32).unsqueeze(1)
    return MoonsData(X[:n_train], y[:n_train], X[n_train:], y[n_train:], scaler, noise)


def bayes_accuracy(noise):
    """The best accuracy any classifier reaches on make_moons at this noise, from the generative model.

    Each class is a half-circle, t ~ U(0, pi), plus N(0, noise^2 I): the Bayes classifier picks the
    larger class density, so accuracy = sum(max(p0, p1)) / sum(p0 + p1) over a fine grid.
    """
    s = _check_real("noise", noise, low=0)
    if s < 0.02:
        return 1.0  # the half-circles are >= 0.5 apart: the error is under 1e-30
    n = max(400, int(16 * np.pi / s))
    t = (np.arange(n) + 0.5) * np.pi / n  # midpoints: t ~ U(0, pi), each point weighing the same
    centres = [(np.cos(t), np.sin(t)), (1 - np.cos(t), 0.5 - np.sin(t))]
    h = s / 6  # grid step; the result moves by under 1e-4 from here to s / 10
    gx, gy = np.arange(-1 - 6 * s, 2 + 6 * s, h), np.arange(-0.5 - 6 * s, 1 + 6 * s, h)
    dens = []
    for cx, cy in centres:  # p(x, y) = mean_t N(x; cx(t)) N(y; cy(t)): one matrix product
        kx = np.exp(-0.5 * ((gx[:, None] - cx) / s) ** 2)
        ky = np.exp(-0.5 * ((gy[:, None] - cy) / s) ** 2)
        dens.append(kx @ ky.T)
    return float(np.maximum(*dens).sum() / (dens[0] + dens[1]).sum())


@contextmanager
def one_thread():
    """At this size threads cost more than they save (13 vs 110 ms an epoch with one core busy)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@dataclass
class History:
    """What train measured: loss and train accuracy every epoch, test accuracy at test_epochs."""
    loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)  # over each epoch, before each step's update
    test_epochs: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)
    seconds: float = 0.0  # training time, evaluation included


def _loss_and_correct(logits, y):
    if logits.shape[1] == 1:
        return F.binary_cross_entropy_with_logits(logits, y), ((logits > 0).float() == y).float().mean()
    target = y.long().view(-1)
    return F.cross_entropy(logits, target), (logits.argmax(1) == target).float().mean()


def _check_model(model):
    if not isinstance(model, SpikingNeuralNetwork):
        raise TypeError(f"model must be a SpikingNeuralNetwork, got {type(model).__name__}")


def _check_model_data(model, data):
    _check_model(model)
    if not isinstance(data, MoonsData):
        raise TypeError(f"data must be MoonsData (from make_moons_data), got {type(data).__name__}")


@one_thread()
def train(model, data, epochs=300, lr=0.01, batch_size=None, seed=None, eval_every=1, progress=False):
    """Adam on binary cross-entropy (cross-entropy if output_size > 1); full batch unless batch_size
    is given (shuffled with seed).

    Test accuracy is measured every eval_every epochs and after the last. progress: False, True
    (print ten lines), or a function called after every epoch as progress(epoch, history).
    """
    _check_model_data(model, data)
    epochs, lr = _check_int("epochs", epochs), _check_real("lr", lr, low=0, low_open=True)
    eval_every = _check_int("eval_every", eval_every)
    n = len(data.X_train)
    batch = n if batch_size is None else min(_check_int("batch_size", batch_size), n)
    gen = torch.Generator().manual_seed(0 if seed is None else _check_int("seed", seed, low=0))
    if not (isinstance(progress, bool) or callable(progress)):
        raise TypeError(f"progress must be a bool or a callable, got {progress!r}")
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    hist, start = History(), time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(n, generator=gen) if batch < n else torch.arange(n)
        total, correct = 0.0, 0.0
        for i in range(0, n, batch):
            idx = order[i:i + batch]
            loss, corr = _loss_and_correct(model(data.X_train[idx]), data.y_train[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total, correct = total + loss.item() * len(idx), correct + corr.item() * len(idx)
        hist.loss.append(total / n)
        hist.train_acc.append(correct / n)
        if epoch % eval_every == 0 or epoch == epochs:
            hist.test_epochs.append(epoch)
            hist.test_acc.append(accuracy(model, data.X_test, data.y_test))
        hist.seconds = time.perf_counter() - start
        if callable(progress):
            progress(epoch, hist)
        elif progress and (epoch % max(1, epochs // 10) == 0 or epoch == epochs):
            tested = f"  test {hist.test_acc[-1]:.3f} (epoch {hist.test_epochs[-1]})" if hist.test_acc else ""
            print(f"epoch {epoch:4d}  loss {hist.loss[-1]:.4f}  train {hist.train_acc[-1]:.3f}{tested}")
    return hist


@one_thread()
@torch.no_grad()
def accuracy(model, X, y, num_steps=None, threshold=None):
    """Fraction of X classified as y (y [n, 1] in {0, 1})."""
    _check_model(model)
    if not isinstance(y, torch.Tensor) or y.shape != (len(X), 1):
        raise ValueError(f"y must be a tensor of labels shaped [{len(X)}, 1], got {getattr(y, 'shape', type(y))}")
    model.eval()
    logits = model(X, num_steps, threshold)
    return float(_loss_and_correct(logits, y.to(logits.dtype))[1])


def grid_points(X, resolution=100, margin=0.5):
    """A resolution x resolution lattice covering X plus margin: xx, yy numpy [res, res], points [res * res, 2]."""
    resolution, margin = _check_int("resolution", resolution, 2), _check_real("margin", margin, low=0)
    _check_input("X", X, 2, 2)
    lo, hi = X.min(0).values - margin, X.max(0).values + margin
    xs, ys = (torch.linspace(float(lo[i]), float(hi[i]), resolution) for i in (0, 1))
    yy, xx = torch.meshgrid(ys, xs, indexing="ij")
    return xx.numpy(), yy.numpy(), torch.stack([xx.reshape(-1), yy.reshape(-1)], 1)


@one_thread()
@torch.no_grad()
def decision_grid(model, X, resolution=100, num_steps=None, threshold=None, margin=0.5):
    """P(class 1) on grid_points(X, resolution, margin): (xx, yy, prob), numpy [res, res] each."""
    _check_model(model)
    xx, yy, points = grid_points(X, resolution, margin)
    model.eval()
    # in chunks of 1000: [T, 1000, N] buffers stay in cache and get reused (twice as fast as one 10k batch)
    logits = torch.cat([model(chunk, num_steps, threshold) for chunk in points.split(1000)])
    prob = torch.sigmoid(logits[:, 0]) if logits.shape[1] == 1 else torch.softmax(logits, 1)[:, 1]
    return xx, yy, prob.reshape(xx.shape).numpy()


# --- command line ---------------------------------------------------------------------------------------

def main(argv=None):
    p = argparse.ArgumentParser(description="Train a spiking network on two moons and report its test "
                                            "accuracy beside the Bayes-optimal accuracy.")
    p.add_argument("--model", choices=("lif", "original"), default="lif",
                   help="lif: the fixed LIF network (default); original: the SNN-Moons.py design")
    p.add_argument("--noise", type=float, default=0.1, help="make_moons noise (default 0.1)")
    p.add_argument("--epochs", type=int, default=300, help="full-batch Adam epochs (default 300)")
    p.add_argument("--num-steps", type=int, default=25, help="time steps per input (default 25)")
    p.add_argument("--threshold", type=float, default=1.0, help="firing threshold (default 1.0)")
    p.add_argument("--seed", type=int, default=0, help="seed for the data and the weights (default 0)")
    p.add_argument("--n-train", type=int, default=800, help="training points (default 800)")
    p.add_argument("--n-test", type=int, default=10000, help="test points (default 10000)")
    p.add_argument("--plot", metavar="FILE.png", help="write the decision boundary with the test data")
    a = p.parse_args(argv)
    try:
        data = make_moons_data(a.n_train, a.n_test, a.noise, a.seed)
        torch.manual_seed(a.seed)
        if a.model == "lif":
            model = SpikingNeuralNetwork(num_steps=a.num_steps, threshold=a.threshold)
        else:
            model = original_network(threshold=a.threshold, num_steps=a.num_steps)
        hist = train(model, data, epochs=a.epochs, eval_every=a.epochs)  # the large test set once, at the end
    except (TypeError, ValueError) as e:
        p.error(str(e))
    print(f"model {a.model}, noise {a.noise}, {a.n_train} training points, {a.epochs} epochs "
          f"in {hist.seconds:.1f} s")
    bayes = bayes_accuracy(a.noise)
    print(f"test accuracy {hist.test_acc[-1]:.4f} on {a.n_test} points; Bayes-optimal {bayes:.4f}")
    if a.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import snn_widgets as sw  # the notebooks' colours and plotting helpers

        xx, yy, prob = decision_grid(model, data.X_test)
        fig, ax = plt.subplots(figsize=(6, 5))
        image, _ = sw.plot_probability(ax, xx, yy, prob)
        sw.plot_moons(ax, data.X_test[:1000], data.y_test[:1000], size=12, alpha=1.0, edgecolor="k")
        fig.colorbar(image, ax=ax, label="P(class 1)")
        name = "LIF" if a.model == "lif" else "original"
        ax.set(title=f"{name} SNN, noise {a.noise}: test accuracy {hist.test_acc[-1]:.3f} (Bayes {bayes:.3f})",
               xlabel="x1 (standardized)", ylabel="x2 (standardized)", aspect="auto", xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
        ax.legend(loc="lower left", fontsize=8)
        fig.tight_layout()
        fig.savefig(a.plot, dpi=110)
        print(f"wrote {a.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
