"""Headless tests of the notebooks' slider callbacks: set a value, check the figure and the readout."""
import numpy as np
import pytest
import torch

import snn_core as sc
import snn_widgets as sw


@pytest.fixture(scope="module")
def trained():
    data = sc.make_moons_data(400, 200, noise=0.2, seed=0)
    torch.manual_seed(0)
    model = sc.SpikingNeuralNetwork()
    sc.train(model, data, epochs=150, eval_every=150)
    return model, data


def test_moons_explorer_redraws_for_noise_and_size():
    e = sw.MoonsExplorer()
    text = e.update(noise=0.1, n_samples=300)
    offsets = np.concatenate([c.get_offsets() for c in e.ax.collections])
    assert len(offsets) == 300 and f"{sc.bayes_accuracy(0.1):.2%}" in text
    text = e.update(noise=0.3, n_samples=120)
    assert len(np.concatenate([c.get_offsets() for c in e.ax.collections])) == 120
    assert f"{sc.bayes_accuracy(0.3):.2%}" in text and "0.30" in e.ax.get_title()
    with pytest.raises(ValueError, match="noise"):
        e.update(noise=-1)


def test_neuron_explorer_follows_threshold_beta_and_current():
    e = sw.NeuronExplorer(num_steps=100, step_on=10)
    text_low = e.update(threshold=1.0, beta=0.9, current=0.3)
    mem = e.mem_line.get_ydata()
    _, ref = sc.lif_reference(torch.tensor([0.0] * 10 + [0.3] * 90).view(100, 1, 1), 1.0, 0.9)
    np.testing.assert_allclose(mem, ref.flatten().numpy(), rtol=0, atol=1e-6)
    assert list(e.thr_line.get_ydata()) == [1.0, 1.0]
    n_low = len(e.spk_marks.get_xdata())
    assert f"<b>{n_low}</b> spikes" in text_low and n_low > 0
    e.update(threshold=2.0, beta=0.9, current=0.3)
    assert len(e.spk_marks.get_xdata()) < n_low and list(e.thr_line.get_ydata()) == [2.0, 2.0]
    e.update(threshold=1.0, beta=0.5, current=0.3)  # leak too strong: the membrane settles at 0.6
    assert len(e.spk_marks.get_xdata()) == 0 and e.mem_line.get_ydata().max() < 1.0
    e.update(threshold=1.0, beta=0.9, current=0.8)
    assert len(e.spk_marks.get_xdata()) > n_low


def test_boundary_explorer_redraws_the_same_model(trained):
    model, data = trained
    e = sw.BoundaryExplorer(model, data, resolution=50)
    text = e.update(threshold=1.0, num_steps=25)
    image = e.image.get_array().copy()
    _, _, prob = sc.decision_grid(model, data.X_test, 50)
    np.testing.assert_allclose(image, prob)
    acc = sc.accuracy(model, data.X_test, data.y_test)
    assert f"test accuracy <b>{acc:.3f}</b>" in text and "spikes per sample" in text
    assert len(e.wrong.get_xdata()) == round((1 - acc) * len(data.X_test))
    text_low = e.update(threshold=0.5, num_steps=5)
    assert not np.allclose(e.image.get_array(), image) and text_low != text
    assert "threshold 0.50, 5 steps" in e.ax.get_title()
    spikes = float(text_low.split("<b>")[2].split("</b>")[0])
    assert spikes == pytest.approx(sw.spikes_per_sample(model, data.X_test, 5, 0.5), abs=0.05)


def test_boundary_explorer_says_when_the_network_is_silent(trained):
    model, data = trained
    e = sw.BoundaryExplorer(model, data, resolution=30)
    assert e.silent.get_text() == ""
    text = e.update(threshold=1000.0, num_steps=25)
    assert "silent" in e.silent.get_text() and "<b>0.0</b> spikes per sample" in text
    assert e.boundary is None and np.ptp(e.image.get_array()) == 0  # a constant probability, no contour
    e.update(threshold=1.0, num_steps=25)
    assert e.silent.get_text() == "" and e.boundary is not None


def _pixels(png):
    import io
    from PIL import Image
    return np.asarray(Image.open(io.BytesIO(png.data)).convert("RGBA"))


def test_boundary_explorer_png_is_what_savefig_draws(trained):
    # the slider's partial redraw over a cached background, against a full draw, at every kind of move
    model, data = trained
    e = sw.BoundaryExplorer(model, data, resolution=40)
    frames = []
    for threshold, steps in ((1.0, 25), (0.5, 3), (1000.0, 25), (1.5, 10)):  # the third is silent
        e.update(threshold=threshold, num_steps=steps)
        fast, full = _pixels(e.png()), _pixels(sw.figure_png(e.figure))
        assert fast.shape == full.shape and np.array_equal(fast, full), (threshold, steps)
        frames.append(fast)
    assert all(not np.array_equal(a, b) for a, b in zip(frames, frames[1:]))  # each move changed the picture


@pytest.mark.parametrize("style", ["grid", "inward ticks"])
def test_axes_redraw_draws_in_full_when_the_frame_reaches_into_the_plot(trained, style):
    model, data = trained
    e = sw.BoundaryExplorer(model, data, resolution=30)
    if style == "grid":
        e.ax.grid(True)
    else:
        e.ax.tick_params(direction="in")
    for threshold in (1.0, 0.5):
        e.update(threshold=threshold, num_steps=25)
        assert np.array_equal(_pixels(e.png()), _pixels(sw.figure_png(e.figure)))


def test_spikes_per_sample_counts_every_layer():
    net = sc.SpikingNeuralNetwork(hidden_sizes=(4, 3), num_steps=6)
    x = torch.randn(5, 2)
    total = sum(s.sum().item() for s, _ in net.record(x))
    assert sw.spikes_per_sample(net, x) == pytest.approx(total / 5)


def test_rate_maps_are_rates_per_neuron(trained):
    model, data = trained
    with pytest.raises(ValueError, match="layer must be below the model's 2 hidden layers, got 5"):
        sw.rate_maps(model, data.X_test, layer=5)
    xx, yy, rates = sw.rate_maps(model, data.X_test, layer=1, resolution=20)
    assert rates.shape == (32, 20, 20) and xx.shape == (20, 20)
    assert rates.min() >= 0 and rates.max() <= 1 and rates.std() > 0
    point = torch.tensor([[xx[4, 9], yy[4, 9]]], dtype=torch.float32)
    with torch.no_grad():
        spk = model.record(point)[1][0]  # [T, 1, 32]
    np.testing.assert_allclose(rates[:, 4, 9], spk.mean(0)[0].numpy(), atol=1e-6)


def test_plot_membrane_draws_threshold_spikes_and_current():
    from matplotlib.figure import Figure
    cur = torch.tensor([0.0] * 5 + [0.3] * 35).view(40, 1, 1)
    spk, mem = sc.SpikingNeuron(threshold=1.0, beta=0.9)(cur)
    ax = Figure().add_subplot()
    n = sw.plot_membrane(ax, mem, spk, threshold=1.0, cur=cur)  # tensors with a grad_fn are accepted
    assert n == int(spk.sum()) > 0
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["threshold"].get_ydata()) == [1.0, 1.0] and lines["threshold"].get_linestyle() == "--"
    np.testing.assert_allclose(lines["membrane mem[t]"].get_ydata(), mem.detach().flatten().numpy())
    np.testing.assert_array_equal(lines["spike"].get_xdata(), np.flatnonzero(spk.detach().flatten().numpy()))
    assert lines["input current cur[t]"].get_ydata().max() == pytest.approx(0.3)
    ax2 = Figure().add_subplot()
    assert sw.plot_membrane(ax2, mem, spk, threshold=5.0) == n and len(ax2.get_lines()) == 3  # no current line
    assert list({l.get_label(): l for l in ax2.get_lines()}["threshold"].get_ydata()) == [5.0, 5.0]


def test_plot_raster_puts_one_tick_per_spike():
    from matplotlib.figure import Figure
    spk = (torch.rand(30, 7, generator=torch.Generator().manual_seed(0)) < 0.3).float()
    ax = Figure().add_subplot()
    assert sw.plot_raster(ax, spk) == int(spk.sum())
    rows = ax.collections
    assert len(rows) == 7
    for n, row in enumerate(rows):
        np.testing.assert_array_equal(row.get_positions(), np.flatnonzero(spk[:, n].numpy()))
        assert row.get_lineoffset() == n
    assert ax.get_xlabel() == "time step t" and ax.get_ylim() == (-0.5, 6.5)
    assert sw.plot_raster(Figure().add_subplot(), torch.zeros(10, 3)) == 0  # a silent layer draws no ticks


def test_retrain_swaps_a_fresh_model_into_the_explorer(trained):
    model, data = trained
    e = sw.BoundaryExplorer(model, data, resolution=30)
    e.update(threshold=2.0, num_steps=5)
    image = e.image.get_array().copy()
    epochs_seen = []
    text = sw.retrain(e, threshold=2.0, num_steps=5, epochs=40, seed=3,
                      progress=lambda epoch, hist: epochs_seen.append(epoch))
    assert epochs_seen == list(range(1, 41))
    assert e.model is not model and (e.model.threshold, e.model.num_steps) == (2.0, 5)
    acc = sc.accuracy(e.model, data.X_test, data.y_test)
    assert f"test accuracy <b>{acc:.3f}</b>" in text and "spikes per sample" in text
    assert not np.allclose(e.image.get_array(), image) and "threshold 2.00, 5 steps" in e.ax.get_title()
    torch.manual_seed(3)  # the same seed gives the same weights, built by hand
    by_hand = sc.SpikingNeuralNetwork(num_steps=5, threshold=2.0)
    sc.train(by_hand, data, epochs=40, seed=3)
    for a, b in zip(e.model.parameters(), by_hand.parameters()):
        torch.testing.assert_close(a, b)
    state = torch.random.get_rng_state()
    sw.retrain(e, threshold=1.0, num_steps=3, epochs=2)  # no progress callback; the caller's RNG untouched
    assert torch.equal(torch.random.get_rng_state(), state) and e.model.num_steps == 3


def test_explorers_reject_bad_arguments(trained):
    model, data = trained
    with pytest.raises(ValueError, match="step_on must be below num_steps = 50, got 50"):
        sw.NeuronExplorer(num_steps=50, step_on=50)
    with pytest.raises(TypeError, match="data must be MoonsData"):
        sw.BoundaryExplorer(model, (data.X_test, data.y_test))
