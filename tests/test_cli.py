"""The command line: python snn_core.py."""
import re
import subprocess
import sys
from pathlib import Path

import snn_core as sc

SCRIPT = str(Path(sc.__file__))


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=300)


def test_help_explains_every_option():
    out = run("--help")
    assert out.returncode == 0
    for option in ("--noise", "--epochs", "--num-steps", "--threshold", "--seed", "--model", "--plot", "lif", "original"):
        assert option in out.stdout


def test_trains_and_reports_accuracy_beside_bayes(tmp_path):
    png = tmp_path / "boundary.png"
    out = run("--epochs", "150", "--n-test", "2000", "--noise", "0.2", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    acc, bayes = map(float, re.search(r"test accuracy (\S+) on 2000 points; Bayes-optimal (\S+)", out.stdout).groups())
    assert bayes == round(sc.bayes_accuracy(0.2), 4) and acc > bayes - 0.03
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


def test_original_model_option():
    out = run("--model", "original", "--epochs", "50", "--n-test", "1000", "--num-steps", "5")
    assert out.returncode == 0, out.stderr
    assert "model original" in out.stdout


def test_bad_values_are_reported_by_name():
    for args, name in ((("--num-steps", "0"), "num_steps"), (("--threshold", "-1"), "threshold"),
                       (("--noise", "-0.2"), "noise"), (("--model", "relu"), "--model")):
        out = run(*args)
        assert out.returncode == 2 and name in out.stderr, (args, out.stderr)
