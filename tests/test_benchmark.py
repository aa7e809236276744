"""benchmarks/benchmark.py: it runs, and it compares like with like.

The equality tests are the proof that the speed comparison is fair: given the same weights, the
snnTorch network computes the same spikes, logits and gradients as snn_core, so the table times
the same model, not a cheaper one.
"""
import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]
import benchmark  # noqa: E402
import snn_core  # noqa: E402


@pytest.fixture(scope="module")
def quick_output():
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "benchmark.py"), "--quick"], cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr
    return run.stdout


def table_rows(text, prefix):
    """The cells of each markdown table row whose first cell starts with prefix."""
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith(f"| {prefix}")]
    return [[cell.strip() for cell in row] for row in rows]


def test_quick_run_reports_snn_core_rows_with_finite_numbers(quick_output):
    rows = table_rows(quick_output, "snn_core")
    assert [row[0] for row in rows] == ["snn_core fast", "snn_core reference"], quick_output
    for row in rows:
        numbers = [float(cell.rstrip("x")) for cell in row[1:]]
        assert len(numbers) == 6 and all(math.isfinite(v) and v > 0 for v in numbers), row
        assert 0.5 < numbers[2] <= 1.0, f"test accuracy {numbers[2]} out of range"
    assert rows[0][2] == "1.00x" and rows[0][5] == "1.00x"  # snn_core fast is the unit


def test_quick_run_names_the_machine_and_the_bayes_accuracy(quick_output):
    assert "machine: " in quick_output and f"torch {torch.__version__}" in quick_output
    assert "1 thread(s)" in quick_output
    assert f"Bayes-optimal accuracy at noise 0.2: {snn_core.bayes_accuracy(0.2):.4f}" in quick_output


def test_a_missing_library_is_named_with_the_install_command(capsys):
    assert not benchmark.installed("no_such_snn_library")
    assert "no_such_snn_library not installed: pip install --no-deps -r requirements-bench.txt" in capsys.readouterr().out
    names = [impl.name for impl in benchmark.implementations(with_snntorch=False, with_norse=False)]
    assert names == ["snn_core fast", "snn_core reference", "ReLU MLP (not spiking)"]


def sample(seed, n=500):
    """A core network with seeded weights and n inputs that make its neurons spike at varied rates."""
    torch.manual_seed(seed)
    return snn_core.SpikingNeuralNetwork(), torch.randn(n, 2) * 1.5


def assert_spiking_without_ties(core, x):
    """The comparison means something only if neurons spike, and is exact only away from ties.

    snn_core fires at mem == threshold (H(0) = 1); snnTorch and Norse fire only above it. A float32
    membrane can land exactly on 1.0, rarely; these seeds avoid it.
    """
    with torch.no_grad():
        recording = core.record(x)
    for spk, mem in recording:
        assert 0.01 < float(spk.mean()) < 0.99, "the layer hardly spikes or always spikes"
        assert not (mem == core.threshold).any(), "a membrane sits exactly at threshold"


def test_snntorch_leaky_matches_snn_core_neuron_spike_for_spike():
    pytest.importorskip("snntorch")
    core, x = sample(seed=0)
    assert_spiking_without_ties(core, x)
    cur = core.layers[0].linear(x).detach().expand(25, len(x), 32)  # [T, B, N]
    spk, mem = core.layers[0].neuron(cur)
    lif = benchmark.SnnTorchNetwork().lif1
    their_mem, their_spk = lif.init_leaky(), []
    for t in range(25):
        s, their_mem = lif(cur[t], their_mem)
        their_spk.append(s)
        assert torch.equal(their_mem, mem[t]), f"membranes differ at step {t}"
    assert torch.equal(torch.stack(their_spk), spk)


@pytest.mark.parametrize("seed", [0, 1, 3])
def test_snntorch_network_equals_snn_core_on_the_same_weights(seed):
    pytest.importorskip("snntorch")
    core, x = sample(seed)
    assert_spiking_without_ties(core, x)
    theirs = benchmark.copy_weights(core, benchmark.SnnTorchNetwork())
    ours_logits, their_logits = core(x), theirs(x)
    # one spike more or less moves a logit by |readout weight| / T ~ 1e-3: equal logits, equal spikes
    torch.testing.assert_close(their_logits, ours_logits, atol=1e-5, rtol=0)

    y = (torch.rand(len(x), 1) > 0.5).float()
    F.binary_cross_entropy_with_logits(ours_logits, y).backward()
    F.binary_cross_entropy_with_logits(their_logits, y).backward()
    for ours, their in zip(benchmark.linear_layers(core), benchmark.linear_layers(theirs)):
        torch.testing.assert_close(their.weight.grad, ours.weight.grad, atol=1e-7, rtol=1e-4)
        torch.testing.assert_close(their.bias.grad, ours.bias.grad, atol=1e-7, rtol=1e-4)


def test_every_implementation_starts_from_the_same_weights():
    pytest.importorskip("snntorch")
    pytest.importorskip("norse")
    impls = benchmark.implementations(with_snntorch=True, with_norse=True)
    first, *others = [benchmark.build(impl, 32, 25, seed=0) for impl in impls]
    for model in others:
        for a, b in zip(benchmark.linear_layers(first), benchmark.linear_layers(model), strict=True):
            assert torch.equal(a.weight, b.weight) and torch.equal(a.bias, b.bias)


def test_norse_differs_from_snn_core_only_in_the_reset_timing_forward():
    """Norse subtracts the threshold before the next decay: with that undone, the forward is exact."""
    pytest.importorskip("norse")
    core, x = sample(seed=0)
    assert_spiking_without_ties(core, x)
    beta = 0.9

    def reset_before_decay(z, v, v_reset, v_th):  # v - z * v_th is decayed by beta; v_th / beta undoes it
        return v - z * v_th / beta

    matched = benchmark.copy_weights(core, benchmark.NorseNetwork(beta=beta, reset_method=reset_before_decay))
    torch.testing.assert_close(matched(x), core(x), atol=1e-5, rtol=0)
    idiomatic = benchmark.copy_weights(core, benchmark.NorseNetwork(beta=beta))
    assert (idiomatic(x) - core(x)).abs().max() > 1e-3, "Norse's own reset_subtract should differ"


def test_norse_superspike_ignores_its_slope():
    """Norse 1.1.0's SuperSpike backward is 1 / (|x| + 1)^2 whatever alpha is: slope 1, not 25."""
    norse_threshold = pytest.importorskip("norse.torch.functional.threshold")
    x = torch.tensor([0.1, -0.3], requires_grad=True)
    norse_threshold.threshold(x, "super", 25.0).sum().backward()
    torch.testing.assert_close(x.grad, 1 / (x.detach().abs() + 1) ** 2)


def test_norse_network_trains():
    pytest.importorskip("norse")
    data = snn_core.make_moons_data(1000, 1000, noise=0.2, seed=0)
    torch.manual_seed(0)
    model = benchmark.NorseNetwork()
    before = F.binary_cross_entropy_with_logits(model(data.X_train), data.y_train).item()
    benchmark.train_seconds(model, data.X_train, data.y_train, epochs=30, lr=0.01)
    after = F.binary_cross_entropy_with_logits(model(data.X_train), data.y_train).item()
    assert after < 0.8 * before
    assert benchmark.test_accuracy(model, data.X_test, data.y_test) > 0.8
