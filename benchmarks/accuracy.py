"""Test accuracy of the guide convnet trained by cnn_explorer.nn (the issue's "Done when" lines).

1. Fashion-MNIST, all 60k training images, batch 128, Adam 1e-3: test accuracy after epochs 1
   and 5 (targets >= 84% and >= 88.5%; PyTorch here: 84.3% and 88.8%).
2. The bundled MNIST-5k (seeded shuffle, its 4,500 training images), 15 epochs: accuracy on the
   official 10k MNIST test set (target >= 97%; PyTorch here: 97.1-97.4%).

    python benchmarks/accuracy.py [--seeds 0 1 2] [--skip-fashion] [--skip-mnist]

One run's accuracy after a single epoch varies by about a point with the seed (initial weights,
shuffling, dropout), so each figure is printed per seed and as the mean over the seeds.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import fashion_mnist, mnist_5k_and_official_test  # noqa: E402

from cnn_explorer.nn.models import guide_convnet  # noqa: E402
from cnn_explorer.nn.training import TrainConfig, train_steps  # noqa: E402


def train_and_test(x, y, x_test, y_test, epochs, report_after, seed):
    """Train from scratch; return {epoch: test accuracy} for the epochs in ``report_after``."""
    model = guide_convnet(seed=seed)
    config = TrainConfig(epochs=epochs, batch_size=128, learning_rate=1e-3, validation_split=0.0,
                         seed=seed, snapshot_every=10 ** 9)
    result, start = {}, time.perf_counter()
    for snap in train_steps(model, (x, y), config):
        if snap.epoch_end and snap.epoch + 1 in report_after:
            _, acc = model.evaluate(x_test, y_test)
            result[snap.epoch + 1] = acc
            print(f"  epoch {snap.epoch + 1:2d}: train loss {snap.loss:.4f}, "
                  f"test accuracy {acc:.2%} ({time.perf_counter() - start:.0f} s)", flush=True)
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--skip-fashion", action="store_true")
    parser.add_argument("--skip-mnist", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_fashion:
        data = fashion_mnist()
        runs = []
        for seed in args.seeds:
            print(f"Fashion-MNIST 60k, batch 128, Adam 1e-3, seed {seed}:")
            runs.append(train_and_test(*data, 5, {1, 5}, seed))
        for epoch, target in ((1, "84%"), (5, "88.5%")):
            accs = [r[epoch] for r in runs]
            print(f"fashion-mnist test accuracy after {epoch} epoch(s): "
                  f"{', '.join(f'{a:.2%}' for a in accs)} (seeds {args.seeds}); "
                  f"mean {np.mean(accs):.2%} (target >= {target})")
    if not args.skip_mnist:
        accs = []
        for seed in args.seeds:
            print(f"MNIST-5k (4,500 training images), 15 epochs, seed {seed}:")
            accs.append(train_and_test(*mnist_5k_and_official_test(seed), 15, {15}, seed)[15])
        print(f"mnist-5k -> official mnist test accuracy after 15 epochs: "
              f"{', '.join(f'{a:.2%}' for a in accs)} (seeds {args.seeds}); "
              f"mean {np.mean(accs):.2%} (target >= 97%)")


if __name__ == "__main__":
    main()
