"""Unit tests for snn_core: the LIF model, its fast path, the original design, data and training."""
import math
import zlib

import numpy as np
import pytest
import torch

import snn_core as sc
from snn_core import SpikingLayer, SpikingNeuralNetwork, SpikingNeuron

ENGINES = ("fast", "reference")


def hand_trace(cur, threshold, beta, reset, steps):
    """The LIF recurrence for one neuron with constant input, in plain Python floats."""
    mem, spk, mems, spks = 0.0, 0.0, [], []
    for _ in range(steps):
        mem = beta * mem + cur - threshold * spk if reset == "subtract" else beta * (1 - spk) * mem + cur
        spk = float(mem >= threshold)
        mems.append(mem)
        spks.append(spk)
    return mems, spks


# --- the neuron -------------------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ENGINES)
def test_subtract_reset_matches_hand_computed_trace(engine):
    # 0.5, 0.95, 1.355 (spike), 0.9 * 1.355 + 0.5 - 1 = 0.7195, 1.14755 (spike), 0.532795
    spk, mem = SpikingNeuron(beta=0.9, reset="subtract", engine=engine)(torch.full((6, 1, 1), 0.5))
    assert mem.flatten().tolist() == pytest.approx([0.5, 0.95, 1.355, 0.7195, 1.14755, 0.532795], abs=1e-6)
    assert spk.flatten().tolist() == [0, 0, 1, 0, 1, 0]


@pytest.mark.parametrize("engine", ENGINES)
def test_zero_reset_matches_hand_computed_trace(engine):
    # after a spike the membrane restarts from the input alone: period 3
    spk, mem = SpikingNeuron(beta=0.9, reset="zero", engine=engine)(torch.full((6, 1, 1), 0.5))
    assert mem.flatten().tolist() == pytest.approx([0.5, 0.95, 1.355, 0.5, 0.95, 1.355], abs=1e-6)
    assert spk.flatten().tolist() == [0, 0, 1, 0, 0, 1]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("reset", sc.RESETS)
@pytest.mark.parametrize("cur,threshold,beta", [(0.3, 1.0, 0.95), (1.7, 1.0, 0.5), (0.8, 2.5, 1.0), (0.2, 0.1, 0.0)])
def test_long_traces_match_plain_python(engine, reset, cur, threshold, beta):
    mems, spks = hand_trace(cur, threshold, beta, reset, 40)
    spk, mem = SpikingNeuron(threshold, beta, reset, engine=engine)(torch.full((40, 1, 1), cur, dtype=torch.float64))
    assert mem.flatten().tolist() == pytest.approx(mems, abs=1e-12)
    assert spk.flatten().tolist() == spks


@pytest.mark.parametrize("engine", ENGINES)
def test_spike_fires_at_exactly_threshold(engine):
    spk, _ = SpikingNeuron(threshold=1.0, engine=engine)(torch.ones(1, 1, 1))
    assert spk.item() == 1.0  # H(0) = 1, as the original's mem >= threshold


@pytest.mark.parametrize("engine", ENGINES)
def test_neuron_keeps_no_state_between_calls(engine):
    neuron, cur = SpikingNeuron(engine=engine), torch.rand(10, 4, 3) * 2
    first, second = neuron(cur), neuron(cur)
    assert torch.equal(first[1], second[1]) and torch.equal(first[0], second[0])
    assert not any(isinstance(v, torch.Tensor) for v in vars(neuron).values())


@pytest.mark.parametrize("surrogate,formula", [
    ("fast_sigmoid", lambda x: 1 / (25 * np.abs(x) + 1) ** 2),
    ("atan", lambda x: 1 / (1 + (np.pi / 2 * 25 * x) ** 2)),
])
def test_surrogate_gradient_matches_its_formula(surrogate, formula):
    x = torch.linspace(-3, 3, 601, dtype=torch.float64, requires_grad=True)
    y = sc.spike(x, surrogate, slope=25.0)
    assert torch.equal(y, (x >= 0).double())
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), formula(x.detach().numpy()), rtol=1e-12)
    zero = torch.zeros(1, requires_grad=True)
    sc.spike(zero, surrogate).backward()
    assert zero.grad.item() == 1.0  # every surrogate peaks at 1 at the threshold


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("surrogate", list(sc.SURROGATES))
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_surrogate_gradients_finite_at_every_membrane_value(engine, surrogate, dtype):
    info = torch.finfo(dtype)
    values = torch.tensor([-info.max, -1e30, -1e6, -50.0, -5.0, -1.0, 0.0, 1.0, 1 + 1e-7, 5.0, 1e6, 1e30, info.max],
                          dtype=dtype)
    cur = values.view(1, 1, -1).repeat(3, 1, 1).requires_grad_()
    spk, mem = SpikingNeuron(surrogate=surrogate, engine=engine)(cur)
    spk.sum().backward()
    assert torch.isfinite(cur.grad).all(), cur.grad


def test_no_surrogate_means_no_gradient_through_spikes():
    x = torch.randn(5, requires_grad=True)
    assert not sc.spike(x, None).requires_grad
    cur = torch.randn(4, 2, 3, requires_grad=True)
    spk, mem = sc.lif(cur, surrogate=None)
    assert not spk.requires_grad and mem.requires_grad


# --- the fast path equals the reference ---------------------------------------------------------------

@pytest.mark.parametrize("reset", sc.RESETS)
@pytest.mark.parametrize("surrogate", [*sc.SURROGATES, None])
@pytest.mark.parametrize("shape,threshold,beta,slope", [
    ((25, 64, 32), 1.0, 0.9, 25.0), ((2, 16, 4), 0.5, 0.0, 5.0), ((50, 7, 5), 2.0, 1.0, 100.0),
    ((13, 100, 2), 0.25, 0.5, 1.0)])
@pytest.mark.parametrize("dtype,grad_tol", [(torch.float32, 1e-5), (torch.float64, 1e-12)])
def test_fast_path_equals_reference(reset, surrogate, shape, threshold, beta, slope, dtype, grad_tol):
    gen = torch.Generator().manual_seed(zlib.crc32(repr((reset, surrogate, shape)).encode()))
    base = torch.randn(shape, generator=gen, dtype=dtype) * threshold + 0.6 * threshold
    weights = [torch.randn(shape, generator=gen, dtype=dtype) for _ in range(2)]
    results = []
    for fn in (sc.lif_reference, sc.lif):
        cur = base.clone().requires_grad_()
        spk, mem = fn(cur, threshold, beta, reset, surrogate, slope)
        loss = (mem * weights[0]).sum() + ((spk * weights[1]).sum() if surrogate else 0)
        loss.backward()
        results.append((spk.detach(), mem.detach(), cur.grad))
    (s_ref, m_ref, g_ref), (s_fast, m_fast, g_fast) = results
    assert 0 < s_ref.mean() < 1  # the case exercises both spiking and silent steps
    assert torch.equal(s_fast, s_ref)
    assert torch.equal(m_fast, m_ref)  # same operation order: identical to the bit
    torch.testing.assert_close(g_fast, g_ref, rtol=0, atol=grad_tol)


@pytest.mark.parametrize("reset", sc.RESETS)
def test_fast_path_gradient_through_an_expanded_current(reset):
    # a current held constant as a stride-0 expand: the kernel reads one row, autograd sums the gradient
    gen = torch.Generator().manual_seed(7)
    base = torch.randn(20, 9, generator=gen) + 0.6
    weights = torch.randn(2, 15, 20, 9, generator=gen)
    grads = []
    for fn in (sc.lif_reference, sc.lif):
        leaf = base.clone().requires_grad_()
        spk, mem = fn(leaf.expand(15, 20, 9), reset=reset)
        ((spk * weights[0]).sum() + (mem * weights[1]).sum()).backward()
        grads.append(leaf.grad)
    torch.testing.assert_close(grads[1], grads[0], rtol=0, atol=1e-4)  # sums of 15 float32 terms of size ~100


@pytest.mark.parametrize("shape", [(7,), (6, 4), (5, 3, 2), (6, 2, 3, 4)])
def test_fast_path_takes_any_rank_like_the_reference(shape):
    # time first, then any neuron layout, as lif_reference takes it
    gen = torch.Generator().manual_seed(len(shape))
    base = torch.randn(shape, generator=gen, dtype=torch.float64) + 0.6
    weight = torch.randn(shape, generator=gen, dtype=torch.float64)
    results = []
    for fn in (sc.lif_reference, sc.lif):
        cur = base.clone().requires_grad_()
        spk, mem = fn(cur)
        ((spk + mem) * weight).sum().backward()
        results.append((spk.detach(), mem.detach(), cur.grad))
    (s_ref, m_ref, g_ref), (s_fast, m_fast, g_fast) = results
    assert s_fast.shape == m_fast.shape == g_fast.shape == shape
    assert torch.equal(s_fast, s_ref) and torch.equal(m_fast, m_ref)
    torch.testing.assert_close(g_fast, g_ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("reset", sc.RESETS)
@pytest.mark.parametrize("surrogate", [*sc.SURROGATES, None])
@pytest.mark.parametrize("constant", [True, False])
@pytest.mark.parametrize("rate", [True, False])
@pytest.mark.parametrize("dtype,grad_tol", [(torch.float32, 1e-5), (torch.float64, 1e-12)])
@pytest.mark.parametrize("steps", [12, 1])
def test_fast_layer_path_equals_reference(reset, surrogate, constant, rate, dtype, grad_tol, steps):
    # what a network asks of a layer: a current [B, N] held for T steps, or [T, B, N]; spikes or the rate
    gen = torch.Generator().manual_seed(zlib.crc32(repr((reset, surrogate, constant, rate, steps)).encode()))
    shape = (30, 17) if constant else (steps, 30, 17)
    base = torch.randn(shape, generator=gen, dtype=dtype) + 0.6
    weight = torch.randn((30, 17) if rate else (steps, 30, 17), generator=gen, dtype=dtype)
    results = []
    for engine in ENGINES:
        cur = base.clone().requires_grad_()
        neuron = SpikingNeuron(reset=reset, surrogate=surrogate, engine=engine)
        out = neuron.rate(cur, steps) if rate else neuron.spikes(cur, steps)
        assert out.shape == weight.shape
        if surrogate:
            (out * weight).sum().backward()
        else:
            assert not out.requires_grad  # the true Heaviside passes no gradient
        results.append((out.detach(), cur.grad))
    (o_fast, g_fast), (o_ref, g_ref) = results
    assert 0 < o_ref.mean() < 1
    assert torch.equal(o_fast, o_ref)  # the spikes, or their count / T, identical
    if surrogate:
        torch.testing.assert_close(g_fast, g_ref, rtol=0, atol=grad_tol)


@pytest.mark.parametrize("reset", sc.RESETS)
def test_inference_without_gradients_gives_the_same_logits(reset):
    # under no_grad the fast path keeps only two rows of membranes: the answer must not change
    logits = []
    for engine in ENGINES:
        torch.manual_seed(1)
        net = SpikingNeuralNetwork(hidden_sizes=(12, 9, 7), num_steps=15, reset=reset, engine=engine)
        x = torch.randn(50, 2)
        with torch.no_grad():
            logits.append(net(x))
        logits.append(net(x).detach())
    assert all(torch.equal(logits[0], other) for other in logits[1:])
    assert logits[0].std() > 0


@pytest.mark.parametrize("reset", sc.RESETS)
@pytest.mark.parametrize("surrogate", list(sc.SURROGATES))
def test_fast_network_gradients_equal_reference_network(reset, surrogate):
    data = sc.make_moons_data(64, 10, noise=0.2, seed=3)
    grads, logits = [], []
    for engine in ENGINES:
        torch.manual_seed(0)
        net = SpikingNeuralNetwork(hidden_sizes=(16, 8), num_steps=20, reset=reset, surrogate=surrogate, engine=engine)
        logits.append(net(data.X_train))
        torch.nn.functional.binary_cross_entropy_with_logits(logits[-1], data.y_train).backward()
        grads.append({k: p.grad for k, p in net.named_parameters()})
    assert torch.equal(logits[0], logits[1])  # identical spikes, so identical rates and logits
    for name, g in grads[1].items():
        assert g.abs().sum() > 0, name
        torch.testing.assert_close(grads[0][name], g, rtol=0, atol=1e-5, msg=name)


@pytest.mark.skipif(__import__("platform").libc_ver()[0] != "glibc", reason="the allocator setting is glibc's")
def test_allocator_setting_applies_at_import_unless_switched_off():
    import os
    import subprocess
    import sys
    code = "import snn_core; print(snn_core.KEEPS_FREED_MEMORY)"
    for value, expected in ((None, "True"), ("0", "False"), ("1", "True")):
        env = {k: v for k, v in os.environ.items() if k != "SNN_CORE_KEEP_FREED_MEMORY"}
        if value is not None:
            env["SNN_CORE_KEEP_FREED_MEMORY"] = value
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
        assert out.stdout.strip() == expected, (value, out.stderr[-500:])


# --- layer and network ------------------------------------------------------------------------------

def test_layer_shapes_and_linear_map():
    layer = SpikingLayer(3, 5, beta=0.5)
    x = torch.randn(7, 4, 3)
    spk, mem = layer(x)
    assert spk.shape == mem.shape == (7, 4, 5)
    ref_spk, ref_mem = sc.lif_reference(layer.linear(x), 1.0, 0.5)
    assert torch.equal(mem, ref_mem.detach())


def test_network_shapes_and_record():
    net = SpikingNeuralNetwork(2, (8, 6, 4), 3, num_steps=11)
    x = torch.randn(5, 2)
    assert net(x).shape == (5, 3)
    rec = net.record(x, num_steps=7)
    assert [tuple(s.shape) for s, _ in rec] == [(7, 5, 8), (7, 5, 6), (7, 5, 4)]
    assert all(m.shape == s.shape for s, m in rec)
    # the read-out is a linear layer on the last layer's mean spike rate
    torch.testing.assert_close(net(x, num_steps=7), net.readout(rec[-1][0].mean(0)))


def test_first_layer_current_is_constant_in_time():
    net = SpikingNeuralNetwork(num_steps=10)
    x = torch.randn(4, 2)
    spk, mem = net.record(x)[0]
    manual = sc.lif_reference(net.layers[0].linear(x).expand(10, 4, 32), 1.0, 0.9)
    assert torch.equal(mem, manual[1].detach())


def test_gradients_reach_every_hidden_layer():
    net = SpikingNeuralNetwork(hidden_sizes=(32, 32, 16))
    data = sc.make_moons_data(100, 10)
    torch.nn.functional.binary_cross_entropy_with_logits(net(data.X_train), data.y_train).backward()
    for layer in net.layers:
        assert layer.linear.weight.grad is not None and layer.linear.weight.grad.abs().sum() > 0


def test_membrane_memory_makes_num_steps_matter():
    torch.manual_seed(0)
    net, x = SpikingNeuralNetwork(), torch.randn(50, 2)
    assert not torch.allclose(net(x, num_steps=1), net(x, num_steps=50))


def test_forward_overrides_apply_to_one_call_only():
    torch.manual_seed(0)
    net, x = SpikingNeuralNetwork(num_steps=25, threshold=1.0), torch.randn(30, 2)
    base = net(x)
    override = net(x, num_steps=10, threshold=0.5)
    assert not torch.allclose(base, override)
    assert torch.equal(net(x), base) and net.num_steps == 25 and net.threshold == 1.0
    twin = SpikingNeuralNetwork(num_steps=10, threshold=0.5)
    twin.load_state_dict(net.state_dict())
    assert torch.equal(twin(x), override)


def test_silent_network_outputs_the_readout_bias():
    net = SpikingNeuralNetwork()
    x = torch.randn(4, 2)
    out = net(x, threshold=1e9)
    assert all(s.sum() == 0 for s, _ in net.record(x, threshold=1e9))
    torch.testing.assert_close(out, net.readout.bias.expand(4, 1))


# --- the original design --------------------------------------------------------------------------------

def test_original_network_is_a_configuration_of_the_general_classes():
    net = sc.original_network()
    assert type(net) is SpikingNeuralNetwork
    assert [l.linear.out_features for l in net.layers] == [10, 10]
    for layer in net.layers:
        assert layer.linear.bias is None
        n = layer.neuron
        assert (n.beta, n.reset, n.surrogate) == (0.0, "zero", None)
    assert net.readout.bias is not None


def test_original_weights_are_standard_normal():
    torch.manual_seed(0)
    w = sc.original_network(hidden_sizes=(2000,)).layers[0].linear.weight
    assert abs(w.mean().item()) < 0.05 and abs(w.std().item() - 1.0) < 0.05  # nn.Linear(2, .) gives std 0.41


def test_original_membrane_is_just_the_current():
    torch.manual_seed(0)
    net, x = sc.original_network(), torch.randn(20, 2)
    spk, mem = net.record(x, num_steps=5)[0]
    cur = x @ net.layers[0].linear.weight.T
    assert torch.equal(mem, cur.expand(5, 20, 10))
    assert torch.equal(spk, (cur >= 1.0).float().expand(5, 20, 10))


def test_original_hidden_layers_get_no_gradient():
    torch.manual_seed(0)
    net, data = sc.original_network(), sc.make_moons_data(100, 10)
    torch.nn.functional.binary_cross_entropy_with_logits(net(data.X_train), data.y_train).backward()
    assert all(l.linear.weight.grad is None for l in net.layers)
    assert net.readout.weight.grad is not None and net.readout.weight.grad.abs().sum() > 0


def test_original_output_does_not_depend_on_num_steps():
    torch.manual_seed(0)
    net, x = sc.original_network(), torch.randn(200, 2)
    assert torch.equal(net(x, num_steps=1), net(x, num_steps=50))


# --- data ---------------------------------------------------------------------------------------------------

def test_make_moons_data_split_and_standardization():
    d = sc.make_moons_data(n_train=300, n_test=100, noise=0.2, seed=1)
    assert d.X_train.shape == (300, 2) and d.X_test.shape == (100, 2)
    assert d.y_train.shape == (300, 1) and d.y_test.shape == (100, 1)
    assert d.X_train.dtype == d.y_train.dtype == torch.float32
    torch.testing.assert_close(d.X_train.mean(0), torch.zeros(2), atol=1e-5, rtol=0)
    torch.testing.assert_close(d.X_train.std(0, unbiased=False), torch.ones(2), atol=1e-4, rtol=0)
    assert d.X_test.mean(0).abs().max() > 1e-3  # the scaler is fitted on the training part only
    assert set(d.y_train.unique().tolist()) == {0.0, 1.0}
    again = sc.make_moons_data(n_train=300, n_test=100, noise=0.2, seed=1)
    assert torch.equal(d.X_train, again.X_train) and torch.equal(d.X_test, again.X_test)


def test_bayes_accuracy_reference_values():
    assert sc.bayes_accuracy(0.1) == pytest.approx(0.9994, abs=0.002)
    assert sc.bayes_accuracy(0.2) == pytest.approx(0.971, abs=0.002)
    assert sc.bayes_accuracy(0.0) == 1.0
    values = [sc.bayes_accuracy(s) for s in (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 3.0)]
    assert values == sorted(values, reverse=True) and values[-1] > 0.5


@pytest.mark.parametrize("noise", [0.2, 0.35])
def test_bayes_accuracy_matches_monte_carlo_bayes_classifier(noise):
    from sklearn.datasets import make_moons
    X, y = make_moons(n_samples=40000, noise=noise, random_state=7)
    t = np.linspace(0, np.pi, 2000)
    def density(cx, cy):  # mean over the half-circle of a Gaussian kernel
        return np.exp(-((X[:, :1] - cx) ** 2 + (X[:, 1:] - cy) ** 2) / (2 * noise ** 2)).mean(1)
    p0, p1 = density(np.cos(t), np.sin(t)), density(1 - np.cos(t), 0.5 - np.sin(t))
    mc = ((p1 > p0) == y).mean()  # the Bayes classifier's accuracy on fresh samples; s.e. ~0.0015
    assert mc == pytest.approx(sc.bayes_accuracy(noise), abs=0.005)


# --- training and evaluation ------------------------------------------------------------------------------

@pytest.mark.parametrize("noise", [0.1, 0.2, 0.3])
def test_default_training_reaches_bayes_within_one_point(noise):
    data = sc.make_moons_data(n_train=800, n_test=10000, noise=noise, seed=0)
    torch.manual_seed(0)
    hist = sc.train(SpikingNeuralNetwork(), data, eval_every=10**6)
    assert hist.test_acc[-1] >= sc.bayes_accuracy(noise) - 0.01
    assert hist.test_epochs == [300] and len(hist.loss) == len(hist.train_acc) == 300


def test_original_training_falls_far_short():
    data = sc.make_moons_data(n_train=800, n_test=2000, noise=0.1, seed=0)
    torch.manual_seed(0)
    acc = sc.train(sc.original_network(), data, eval_every=10**6).test_acc[-1]
    torch.manual_seed(0)
    fixed = sc.train(SpikingNeuralNetwork(), data, eval_every=10**6).test_acc[-1]
    assert acc < sc.bayes_accuracy(0.1) - 0.05 and fixed - acc > 0.05


def test_training_is_deterministic_and_history_is_consistent():
    data = sc.make_moons_data(200, 100, noise=0.2, seed=2)
    runs = []
    for _ in range(2):
        torch.manual_seed(5)
        net = SpikingNeuralNetwork(hidden_sizes=(16, 16))
        runs.append((sc.train(net, data, epochs=20, batch_size=64, seed=3, eval_every=5), net))
    (h1, n1), (h2, n2) = runs
    assert h1.loss == h2.loss and h1.test_acc == h2.test_acc
    assert all(torch.equal(a, b) for a, b in zip(n1.parameters(), n2.parameters()))
    assert h1.test_epochs == [5, 10, 15, 20] and h1.loss[-1] < h1.loss[0]
    assert h1.test_acc[-1] == sc.accuracy(n1, data.X_test, data.y_test)


def test_progress_callback_and_printing(capsys):
    data = sc.make_moons_data(100, 50)
    seen = []
    sc.train(SpikingNeuralNetwork(hidden_sizes=(8,)), data, epochs=4, progress=lambda e, h: seen.append((e, len(h.loss))))
    assert seen == [(1, 1), (2, 2), (3, 3), (4, 4)]
    sc.train(SpikingNeuralNetwork(hidden_sizes=(8,)), data, epochs=20, progress=True)
    assert len(capsys.readouterr().out.splitlines()) == 10
    sc.train(SpikingNeuralNetwork(hidden_sizes=(8,)), data, epochs=20, eval_every=100, progress=True)
    lines = capsys.readouterr().out.splitlines()  # test accuracy only once measured, at the last epoch
    assert len(lines) == 10 and "test" not in lines[0] and "test" in lines[-1]


def test_accuracy_counts_correct_predictions():
    net = SpikingNeuralNetwork()
    with torch.no_grad():
        net.readout.weight.zero_()
        net.readout.bias.fill_(1.0)  # always predicts class 1
    y = torch.tensor([[1.0], [1.0], [0.0], [1.0]])
    assert sc.accuracy(net, torch.randn(4, 2), y) == 0.75


def test_decision_grid_covers_data_and_is_a_probability():
    data = sc.make_moons_data(200, 50)
    net = SpikingNeuralNetwork()
    xx, yy, prob = sc.decision_grid(net, data.X_train, resolution=40, num_steps=5, threshold=0.8)
    assert xx.shape == yy.shape == prob.shape == (40, 40)
    assert xx.min() < data.X_train[:, 0].min() and xx.max() > data.X_train[:, 0].max()
    assert yy.min() < data.X_train[:, 1].min() and yy.max() > data.X_train[:, 1].max()
    assert ((prob >= 0) & (prob <= 1)).all()
    point = torch.tensor([[xx[3, 7], yy[3, 7]]], dtype=torch.float32)
    assert prob[3, 7] == pytest.approx(torch.sigmoid(net(point, 5, 0.8)).item(), abs=1e-6)


# --- bad input ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs,error,match", [
    (dict(threshold=0), ValueError, "threshold"), (dict(threshold=-1.0), ValueError, "threshold"),
    (dict(threshold=float("nan")), ValueError, "threshold"), (dict(threshold=math.inf), ValueError, "threshold"),
    (dict(threshold="1"), TypeError, "threshold"), (dict(threshold=True), TypeError, "threshold"),
    (dict(beta=-0.1), ValueError, "beta"), (dict(beta=1.5), ValueError, r"beta.*<= 1"),
    (dict(reset="hard"), ValueError, "reset.*'subtract', 'zero'.*'hard'"),
    (dict(surrogate="relu"), ValueError, "surrogate.*'relu'"), (dict(slope=0), ValueError, "slope"),
    (dict(engine="gpu"), ValueError, "engine"),
])
def test_neuron_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        SpikingNeuron(**kwargs)
    with pytest.raises(error, match=match):
        SpikingNeuralNetwork(**kwargs)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(hidden_sizes=()), ValueError, "hidden_sizes"), (dict(hidden_sizes=(0,)), ValueError, "hidden_sizes"),
    (dict(hidden_sizes=(8, -2)), ValueError, "hidden_sizes"), (dict(hidden_sizes=5), ValueError, "hidden_sizes"),
    (dict(hidden_sizes=(4.5,)), TypeError, "hidden_sizes"), (dict(num_steps=0), ValueError, "num_steps"),
    (dict(num_steps=2.5), TypeError, "num_steps"), (dict(input_size=0), ValueError, "input_size"),
    (dict(output_size=0), ValueError, "output_size"), (dict(bias="no"), TypeError, "bias"),
])
def test_network_rejects_bad_sizes(kwargs, error, match):
    with pytest.raises(error, match=match):
        SpikingNeuralNetwork(**kwargs)


@pytest.mark.parametrize("x,error,match", [
    (torch.randn(5), ValueError, r"\[B, N\].*N = 2.*\[5\]"), (torch.randn(5, 3), ValueError, "N = 2"),
    (torch.randn(2, 5, 2), ValueError, r"\[B, N\]"), (torch.ones(5, 2, dtype=torch.int64), TypeError, "float32 tensor.*int64"),
    (torch.tensor([[0.0, float("nan")]]), ValueError, "NaN"), (torch.tensor([[math.inf, 0.0]]), ValueError, "inf"),
    ([[0.0, 1.0]], TypeError, "torch.Tensor"), (torch.ones(0, 2), ValueError, "non-empty"),
    (torch.ones(3, 2, dtype=torch.float64), TypeError, "torch.float32 tensor.*float64"),
])
def test_network_rejects_bad_input(x, error, match):
    net = SpikingNeuralNetwork()
    for call in (net, net.record):
        with pytest.raises(error, match=match):
            call(x)


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(num_steps=0), ValueError, "num_steps"), (dict(num_steps=-3), ValueError, "num_steps"),
    (dict(num_steps=1.0), TypeError, "num_steps"), (dict(threshold=0.0), ValueError, "threshold"),
    (dict(threshold=float("inf")), ValueError, "threshold"),
])
def test_per_call_overrides_are_checked(kwargs, error, match):
    net, x = SpikingNeuralNetwork(), torch.randn(3, 2)
    for call in (net, net.record, lambda x, **kw: sc.accuracy(net, x, torch.ones(3, 1), **kw),
                 lambda x, **kw: sc.decision_grid(net, x, **kw)):
        with pytest.raises(error, match=match):
            call(x, **kwargs)


def test_neuron_and_layer_reject_bad_input():
    with pytest.raises(ValueError, match=r"cur.*\[T, B, N\]"):
        SpikingNeuron()(torch.randn(4, 3))
    with pytest.raises(ValueError, match=r"cur.*\[T, B, N\].*\[\]"):
        SpikingNeuron()(torch.tensor(1.0))
    with pytest.raises(ValueError, match=r"non-empty.*\[0, 2, 3\]"):
        SpikingNeuron()(torch.ones(0, 2, 3))
    with pytest.raises(ValueError, match="NaN or inf"):
        SpikingNeuron()(torch.full((2, 1, 1), float("nan")))
    with pytest.raises(ValueError, match="N = 3"):
        SpikingLayer(3, 4)(torch.randn(2, 2, 5))
    with pytest.raises(ValueError, match="in_features"):
        SpikingLayer(0, 4)


@pytest.mark.parametrize("kwargs,match", [
    (dict(n_train=0), "n_train"), (dict(n_test=0), "n_test"), (dict(n_test=-5), "n_test"),
    (dict(noise=-0.1), "noise"), (dict(noise=float("nan")), "noise"), (dict(seed=-1), "seed"),
])
def test_make_moons_data_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        sc.make_moons_data(**kwargs)


def test_functional_core_rejects_unknown_options():
    cur = torch.rand(3, 2, 4, requires_grad=True)
    for fn in (sc.lif, sc.lif_reference):
        with pytest.raises(ValueError, match="reset.*'hard'"):
            fn(cur, reset="hard")
        with pytest.raises(ValueError, match="surrogate.*'relu'"):
            fn(cur, surrogate="relu")
    with pytest.raises(ValueError, match="surrogate"):
        sc.spike(cur, "relu")


def test_hidden_size_errors_name_the_index():
    with pytest.raises(ValueError, match=r"hidden_sizes\[1\].*-2"):
        SpikingNeuralNetwork(hidden_sizes=(8, -2))


def test_decision_grid_gives_class_one_probability_for_two_outputs():
    net, X = SpikingNeuralNetwork(output_size=2), torch.randn(20, 2)
    xx, yy, prob = sc.decision_grid(net, X, resolution=10)
    point = torch.tensor([[xx[2, 3], yy[2, 3]]], dtype=torch.float32)
    assert prob[2, 3] == pytest.approx(torch.softmax(net(point), 1)[0, 1].item(), abs=1e-6)


def test_other_functions_reject_bad_arguments():
    data, net = sc.make_moons_data(50, 10), SpikingNeuralNetwork()
    with pytest.raises(ValueError, match="noise"):
        sc.bayes_accuracy(-0.5)
    with pytest.raises(TypeError, match="noise"):
        sc.bayes_accuracy("0.1")
    with pytest.raises(ValueError, match="epochs"):
        sc.train(net, data, epochs=0)
    with pytest.raises(ValueError, match="lr"):
        sc.train(net, data, lr=-1.0)
    with pytest.raises(TypeError, match="model"):
        sc.train(torch.nn.Linear(2, 1), data)
    with pytest.raises(TypeError, match="data"):
        sc.train(net, (data.X_train, data.y_train))
    with pytest.raises(TypeError, match="progress"):
        sc.train(net, data, progress="yes")
    with pytest.raises(ValueError, match="resolution"):
        sc.decision_grid(net, data.X_train, resolution=1)
    with pytest.raises(ValueError, match="margin"):
        sc.decision_grid(net, data.X_train, margin=-1.0)
    for fn in (lambda m: sc.accuracy(m, data.X_test, data.y_test), lambda m: sc.decision_grid(m, data.X_test)):
        with pytest.raises(TypeError, match="model must be a SpikingNeuralNetwork"):
            fn("net")
    with pytest.raises(ValueError, match=r"y must be .*\[10, 1\]"):
        sc.accuracy(net, data.X_test, data.y_test[:, 0])
