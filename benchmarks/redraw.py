"""How long one slider move in notebook 04 takes: BoundaryExplorer.update (a 100 x 100 decision grid
at 25 steps, the test-set readout) plus the PNG the notebook shows.

    python benchmarks/redraw.py
"""
import statistics
import time

import torch

import snn_core as sc
import snn_widgets as sw


def main(moves=16):
    data = sc.make_moons_data(800, 200, noise=0.2, seed=0)
    torch.manual_seed(0)
    model = sc.SpikingNeuralNetwork()
    sc.train(model, data, eval_every=300)
    explorer = sw.BoundaryExplorer(model, data)
    seconds = []
    for threshold in [1.0, 0.5, 1.5, 0.8] * (moves // 4):
        start = time.perf_counter()
        explorer.update(threshold=threshold, num_steps=25)
        sw.explorer_png(explorer)  # what the notebook shows after a slider move
        seconds.append(time.perf_counter() - start)
    seconds = seconds[1:]  # the first pays for warm-up
    print(f"slider redraw at 25 steps (update + PNG): median {statistics.median(seconds) * 1e3:.0f} ms, "
          f"max {max(seconds) * 1e3:.0f} ms over {len(seconds)} moves")


if __name__ == "__main__":
    main()
