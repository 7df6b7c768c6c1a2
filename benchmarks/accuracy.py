"""Test accuracy of the guide convnet trained by cnn_explorer.nn (the issue's "Done when" lines).

1. Fashion-MNIST, all 60k training images, batch 128, Adam 1e-3: test accuracy after epochs 1
   and 5 (targets >= 84% and >= 88.5%; PyTorch here: 84.3% and 88.8%).
2. The bundled MNIST-5k (seeded shuffle, its 4,500 training images), 15 epochs: accuracy on the
   official 10k MNIST test set (target >= 97%; PyTorch here: 97.1-97.4%).

    python benchmarks/accuracy.py [--seeds 0 1 2] [--skip-fashion] [--skip-mnist]
                                  [--torch keras|torch ...]

One run's accuracy after a single epoch varies by about a point with the seed (initial weights,
shuffling, dropout), so each figure is printed per seed and as the mean over the seeds.
``--torch keras`` also trains PyTorch's guide model on Fashion-MNIST in the same run, seed for
seed, with the same Keras initialisers (``--torch torch``: PyTorch's own initialisers), so our
figures can be read against a reference measured with the same seeds on the same machine.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _torch_ref  # noqa: E402
from _data import fashion_mnist, mnist_5k_and_official_test  # noqa: E402

from cnn_explorer.nn.guide_model import guide_convnet  # noqa: E402
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


def torch_train_and_test(x, y, x_test, y_test, epochs, report_after, seed, init):
    """The same as ``train_and_test`` for PyTorch's guide model (2 threads)."""
    import torch

    torch.set_num_threads(2)
    model, opt = _torch_ref.guide_model(seed=seed, init=init)
    (xt, yt), (xv, yv) = _torch_ref.as_tensors(x, y), _torch_ref.as_tensors(x_test, y_test)
    result, start = {}, time.perf_counter()
    for epoch in range(1, epochs + 1):
        loss = _torch_ref.train_epoch(model, opt, xt, yt)
        if epoch in report_after:
            result[epoch] = _torch_ref.accuracy(model, xv, yv)
            print(f"  epoch {epoch:2d}: last batch loss {loss:.4f}, "
                  f"test accuracy {result[epoch]:.2%} ({time.perf_counter() - start:.0f} s)",
                  flush=True)
    return result


def report(who, runs, seeds):
    """Per-seed, mean and worst test accuracy after epochs 1 and 5, and how many runs met the target."""
    for epoch, target in ((1, 0.84), (5, 0.885)):
        accs = [r[epoch] for r in runs]
        print(f"{who}: fashion-mnist test accuracy after {epoch} epoch(s): "
              f"{', '.join(f'{a:.2%}' for a in accs)} (seeds {seeds}); mean {np.mean(accs):.2%}, "
              f"min {min(accs):.2%}; runs >= {target:.1%}: {sum(a >= target for a in accs)} of "
              f"{len(accs)}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--skip-fashion", action="store_true")
    parser.add_argument("--skip-mnist", action="store_true")
    parser.add_argument("--torch", nargs="+", choices=_torch_ref.INITS, default=[],
                        help="also train PyTorch's model with these initialisers (Fashion-MNIST)")
    args = parser.parse_args(argv)
    if not args.skip_fashion:
        data = fashion_mnist()
        runs = {"ours (keras init)": []}
        for seed in args.seeds:
            print(f"ours, Fashion-MNIST 60k, batch 128, Adam 1e-3, seed {seed}:")
            runs["ours (keras init)"].append(train_and_test(*data, 5, {1, 5}, seed))
            for init in args.torch:
                print(f"pytorch ({init} init), seed {seed}:")
                runs.setdefault(f"pytorch ({init} init)", []).append(
                    torch_train_and_test(*data, 5, {1, 5}, seed, init))
        for who, who_runs in runs.items():
            report(who, who_runs, args.seeds)
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
