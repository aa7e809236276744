"""snn_widgets: the notebooks' figures and slider callbacks, on top of snn_core.

Each explorer owns one matplotlib Figure and an ``update(**values) -> str`` method: a plain function
of the slider values that redraws the figure in place and returns the readout text. The notebooks
wire sliders to it with ``show_with_sliders``; the tests call ``update`` directly, with no browser.
"""
import io

import matplotlib
import numpy as np
import torch
from matplotlib.figure import Figure

import snn_core as sc

CLASS_COLORS = ("#0072b2", "#e69f00")  # Okabe-Ito blue and orange: class 0 and class 1, in every notebook
CLASS_CMAP = matplotlib.colors.LinearSegmentedColormap.from_list("moons", [CLASS_COLORS[0], "#f7f7f7",
                                                                           CLASS_COLORS[1]])


def plot_moons(ax, X, y, size=10, alpha=0.8, label=True, edgecolor="none"):
    """Scatter a two-moons sample in the two class colours (edgecolor="k" over a probability map)."""
    X, y = np.asarray(X), np.asarray(y).reshape(-1)
    for c in (0, 1):
        ax.scatter(*X[y == c].T, s=size, color=CLASS_COLORS[c], alpha=alpha, edgecolors=edgecolor, linewidths=0.5,
                   label=f"class {c}" if label else None)
    ax.set_aspect("equal", adjustable="box")


def plot_probability(ax, xx, yy, prob):
    """P(class 1) as an image (diverging around 0.5) with the 0.5 contour as the decision boundary."""
    image = ax.imshow(prob, origin="lower", extent=(xx.min(), xx.max(), yy.min(), yy.max()), cmap=CLASS_CMAP,
                      vmin=0, vmax=1, aspect="auto", interpolation="bilinear")
    return image, _boundary(ax, xx, yy, prob)


def _boundary(ax, xx, yy, prob):
    """The P = 0.5 contour, or None where the probability never crosses 0.5 (a silent network)."""
    return ax.contour(xx, yy, prob, levels=[0.5], colors="k", linewidths=1.2) if prob.min() < 0.5 < prob.max() else None


@torch.no_grad()
def spikes_per_sample(model, X, num_steps=None, threshold=None):
    """Mean number of spikes one input causes, summed over all hidden neurons and steps."""
    return float(sum(spk.sum() for spk, _ in model.record(X, num_steps, threshold)) / len(X))


@torch.no_grad()
def rate_maps(model, X, layer=0, resolution=60, num_steps=None, threshold=None, margin=0.5):
    """Each hidden neuron's firing rate over the input plane: (xx, yy, rates [N, res, res])."""
    layer = sc._check_int("layer", layer, low=0)
    if layer >= len(model.layers):
        raise ValueError(f"layer must be below the model's {len(model.layers)} hidden layers, got {layer}")
    xx, yy, grid = sc.grid_points(X, resolution, margin)
    spk = model.record(grid, num_steps, threshold)[layer][0]  # [T, res*res, N]
    return xx, yy, spk.mean(0).T.reshape(-1, resolution, resolution).numpy()


def figure_png(figure):
    """The figure as a PNG display object, whatever matplotlib backend the kernel runs."""
    from IPython.display import Image
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", pil_kwargs={"compress_level": 1})  # fast: a slider redraws often
    return Image(buffer.getvalue())


def _png_bytes(rgba):
    from PIL import Image
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(rgba)).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


class AxesRedraw:
    """PNGs of a figure in which only one axes' contents change: its ticks, labels and limits, and
    every other axes (a colorbar), are drawn once and kept as a background, and each PNG redraws
    only the axes' own artists (image, contours, points, legend, title) over it. Pixel for pixel
    what savefig draws (tested), in about half the time: text layout is most of a full draw.

    That holds while the frame stays outside the plot: fixed limits, ticks pointing out and no grid
    (the explorers' figures). With a grid or inward ticks, png() falls back to a full draw.
    """

    def __init__(self, figure, ax):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        self.figure, self.ax, self.canvas = figure, ax, FigureCanvasAgg(figure)
        self.background = None  # drawn at the first PNG, once the axes' limits are final

    def _contents(self):
        return [a for a in self.ax.get_children() if a not in (self.ax.xaxis, self.ax.yaxis, self.ax.patch)]

    def _frame_outside(self):
        for axis, name in ((self.ax.xaxis, "xtick"), (self.ax.yaxis, "ytick")):
            direction = axis.get_tick_params(which="major").get("direction", matplotlib.rcParams[f"{name}.direction"])
            if direction != "out" or any(line.get_visible() for line in axis.get_gridlines()):
                return False
        return True

    def png(self):
        from IPython.display import Image
        if not self._frame_outside():
            return figure_png(self.figure)
        if self.background is None:
            shown = [a for a in [self.ax.patch, *self._contents()] if a.get_visible()]
            for a in shown:
                a.set_visible(False)
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.figure.bbox)
            for a in shown:
                a.set_visible(True)
            self.canvas.draw()  # a full draw places what Axes.draw lays out, such as the title above the ticks
        self.canvas.restore_region(self.background)
        renderer = self.canvas.get_renderer()
        self.ax.patch.draw(renderer)  # first, as Axes.draw does, whatever its zorder
        for artist in sorted(self._contents(), key=lambda a: a.get_zorder()):  # stable, as in Axes.draw
            if artist.get_visible():
                artist.draw(renderer)
        return Image(_png_bytes(self.canvas.buffer_rgba()))


def explorer_png(explorer):
    """The explorer's figure as a PNG: its own fast png() if it has one, else figure_png."""
    return explorer.png() if hasattr(explorer, "png") else figure_png(explorer.figure)


def show_with_sliders(explorer, **sliders):
    """Display explorer.figure with the sliders under it; a moved slider redraws the same figure.

    Returns the redraw function, for a control that changes the explorer some other way (a retrain).
    """
    import ipywidgets as widgets
    from IPython.display import display

    readout = widgets.HTML(layout=widgets.Layout(min_height="1.5em"))

    def redraw(_=None):
        readout.value = explorer.update(**{name: s.value for name, s in sliders.items()})
        handle.update(explorer_png(explorer))

    readout.value = explorer.update(**{name: s.value for name, s in sliders.items()})
    handle = display(explorer_png(explorer), display_id=True)
    for s in sliders.values():
        s.observe(redraw, names="value")
    display(widgets.VBox([*sliders.values(), readout]))
    return redraw


class MoonsExplorer:
    """Notebook 1: a make_moons sample for a noise level and size, beside its Bayes-optimal accuracy."""

    def __init__(self, seed=0):
        self.seed = seed
        self.figure = Figure(figsize=(5.5, 4))
        self.ax = self.figure.add_axes((0.12, 0.12, 0.85, 0.74))

    def update(self, noise=0.1, n_samples=500):
        from sklearn.datasets import make_moons
        noise = sc._check_real("noise", noise, low=0)
        X, y = make_moons(n_samples=sc._check_int("n_samples", n_samples, 2), noise=noise, random_state=self.seed)
        self.ax.clear()
        plot_moons(self.ax, X, y)
        bayes = sc.bayes_accuracy(noise)
        self.ax.set(title=f"make_moons: noise {noise:.2f}, {n_samples} points\nBayes-optimal accuracy {bayes:.4f}",
                    xlabel="x1", ylabel="x2", xlim=(-2.5, 3.5), ylim=(-2, 2.5))
        self.ax.legend(loc="upper right")
        return f"noise {noise:.2f}: no classifier can beat <b>{bayes:.2%}</b> accuracy on average"


class NeuronExplorer:
    """Notebook 2: one LIF neuron driven by a current step; membrane, threshold and spikes."""

    def __init__(self, num_steps=100, step_on=10):
        self.num_steps = sc._check_int("num_steps", num_steps, 2)
        self.step_on = sc._check_int("step_on", step_on, 0)
        if step_on >= num_steps:
            raise ValueError(f"step_on must be below num_steps = {num_steps}, got {step_on}")
        self.figure = Figure(figsize=(8, 3.6))
        self.ax = self.figure.add_axes((0.08, 0.14, 0.68, 0.76))
        self.mem_line, = self.ax.plot([], [], color="#0072b2", lw=1.5, label="membrane mem[t]")
        self.cur_line, = self.ax.step([], [], where="post", color="0.5", lw=1, label="input current cur[t]")
        self.thr_line = self.ax.axhline(1.0, color="#d55e00", ls="--", lw=1.2, label="threshold")
        self.spk_marks, = self.ax.plot([], [], "v", color="#d55e00", ms=7, label="spike")
        self.ax.set(xlabel="time step t", ylabel="membrane potential, current", xlim=(0, num_steps - 1))
        self.ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)

    def trace(self, threshold=1.0, beta=0.9, current=0.3, reset="subtract"):
        """(cur, spk, mem) as numpy arrays [num_steps], for the current step that starts at step_on."""
        cur = torch.zeros(self.num_steps, 1, 1)
        cur[self.step_on:] = sc._check_real("current", current)
        spk, mem = sc.SpikingNeuron(threshold, beta, reset)(cur)
        return cur.flatten().numpy(), spk.flatten().numpy(), mem.flatten().numpy()

    def update(self, threshold=1.0, beta=0.9, current=0.3, reset="subtract"):
        cur, spk, mem = self.trace(threshold, beta, current, reset)
        t = np.arange(self.num_steps)
        self.mem_line.set_data(t, mem)
        self.cur_line.set_data(t, cur)
        self.thr_line.set_ydata([threshold, threshold])
        fired = spk > 0
        self.spk_marks.set_data(t[fired], np.full(fired.sum(), max(mem.max(), threshold) * 1.1))
        top = max(threshold, mem.max(), cur.max()) * 1.25
        self.ax.set_ylim(min(0.0, mem.min(), cur.min()) - 0.05 * top, top)
        n = int(fired.sum())
        self.ax.set_title(f"LIF neuron, beta {beta:.2f}, reset {reset!r}: {n} spikes in {self.num_steps} steps")
        return f"<b>{n}</b> spikes in {self.num_steps} steps (rate {n / (self.num_steps - self.step_on):.2f} per step)"


class BoundaryExplorer:
    """Notebook 4: a trained model's decision boundary, redrawn for any threshold and num_steps."""

    def __init__(self, model, data, resolution=100):
        sc._check_model_data(model, data)
        self.model, self.data, self.resolution = model, data, resolution
        self.figure = Figure(figsize=(6, 5))  # fixed axes: a layout engine would cost ~100 ms a redraw
        self.ax = self.figure.add_axes((0.11, 0.1, 0.7, 0.76))
        X, y = data.X_test.numpy(), data.y_test.numpy()[:, 0]
        xx, yy, prob = sc.decision_grid(model, data.X_test, resolution)
        self.image, self.boundary = plot_probability(self.ax, xx, yy, prob)
        self.xx, self.yy = xx, yy
        plot_moons(self.ax, X, y, size=16, alpha=1.0, edgecolor="k")
        self.wrong, = self.ax.plot([], [], "o", mfc="none", mec="#d55e00", ms=9, mew=1.6, label="misclassified")
        self.silent = self.ax.text(0.5, 0.5, "", transform=self.ax.transAxes, ha="center", va="center",
                                   fontsize=13, color="#d55e00", bbox=dict(facecolor="white", alpha=0.9))
        self.ax.set(xlabel="x1 (standardized)", ylabel="x2 (standardized)", aspect="auto",
                    xlim=(xx.min(), xx.max()), ylim=(yy.min(), yy.max()))
        self.ax.legend(loc="lower left", fontsize=8)
        self.figure.colorbar(self.image, cax=self.figure.add_axes((0.84, 0.1, 0.03, 0.76)), label="P(class 1)")
        self.bayes = sc.bayes_accuracy(data.noise)
        self.png = AxesRedraw(self.figure, self.ax).png  # a slider redraws only the axes' contents

    @sc.one_thread()
    def update(self, threshold=None, num_steps=None):
        model, data = self.model, self.data
        threshold = model.threshold if threshold is None else threshold
        num_steps = model.num_steps if num_steps is None else num_steps
        _, _, prob = sc.decision_grid(model, data.X_test, self.resolution, num_steps, threshold)
        self.image.set_data(prob)
        if self.boundary is not None:
            self.boundary.remove()
        self.boundary = _boundary(self.ax, self.xx, self.yy, prob)
        with torch.no_grad():
            pred = (model(data.X_test, num_steps, threshold) > 0).float()
        wrong = (pred != data.y_test)[:, 0].numpy()
        self.wrong.set_data(*data.X_test.numpy()[wrong].T)
        acc, spikes = 1 - wrong.mean(), spikes_per_sample(model, data.X_test, num_steps, threshold)
        self.silent.set_text("silent network: no spikes,\nthe output is the read-out bias" if spikes == 0 else "")
        self.ax.set_title(f"threshold {threshold:.2f}, {num_steps} steps: test accuracy {acc:.3f} "
                          f"(Bayes {self.bayes:.3f})\n{spikes:.1f} spikes per sample")
        return (f"test accuracy <b>{acc:.3f}</b> (Bayes-optimal {self.bayes:.3f}); "
                f"<b>{spikes:.1f}</b> spikes per sample")


def _numpy(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def plot_membrane(ax, mem, spk, threshold, cur=None):
    """One neuron's membrane over time steps, threshold dashed, spikes marked above; returns the spike count."""
    mem, spk = _numpy(mem).reshape(-1), _numpy(spk).reshape(-1)
    t = np.arange(len(mem))
    if cur is not None:  # the same styles as NeuronExplorer, so every membrane trace reads alike
        ax.step(t, _numpy(cur).reshape(-1), where="post", color="0.5", lw=1, label="input current cur[t]")
    ax.plot(t, mem, color="#0072b2", lw=1.5, label="membrane mem[t]")
    ax.axhline(threshold, color="#d55e00", ls="--", lw=1.2, label="threshold")
    fired = spk > 0
    ax.plot(t[fired], np.full(fired.sum(), max(mem.max(), threshold) * 1.1), "v", color="#d55e00", ms=6,
            label="spike")
    ax.set(xlabel="time step t", ylabel="membrane potential (a.u.)", xlim=(0, len(mem) - 1))
    return int(fired.sum())


def plot_raster(ax, spk, color="k", linewidth=2.0):
    """A spike raster of spk [T, N]: a tick at (t, n) for each spike of neuron n at step t; returns the count."""
    spk = _numpy(spk)
    ax.eventplot([np.flatnonzero(spk[:, n]) for n in range(spk.shape[1])], lineoffsets=np.arange(spk.shape[1]),
                 linelengths=0.8, linewidths=linewidth, colors=color)
    ax.set(xlabel="time step t", ylabel="neuron", xlim=(-0.5, spk.shape[0] - 0.5), ylim=(-0.5, spk.shape[1] - 0.5))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))  # neurons are whole numbers
    return int((spk > 0).sum())


def retrain(explorer, threshold=1.0, num_steps=25, epochs=300, seed=0, progress=None):
    """Train a fresh SpikingNeuralNetwork(num_steps, threshold) on explorer.data, swap it into the
    explorer and redraw; returns the readout text. progress: None or sc.train's progress(epoch, history)."""
    with torch.random.fork_rng():  # seeded weights, and the caller's random stream left as it was
        torch.manual_seed(seed)
        model = sc.SpikingNeuralNetwork(num_steps=num_steps, threshold=threshold)
    sc.train(model, explorer.data, epochs=epochs, seed=seed, eval_every=epochs, progress=progress or False)
    explorer.model = model
    return explorer.update(threshold=threshold, num_steps=num_steps)
