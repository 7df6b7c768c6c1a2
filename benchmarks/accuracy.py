"""Test accuracy of the guide convnet trained by cnn_explorer.nn (the issue's "Done when" lines).

1. Fashion-MNIST, all 60k training images, batch 128, Adam 1e-3: test accuracy after epochs 1
   and 5 (targets >= 84% and >= 88.5%; PyTorch here: 84.3% and 88.8%).
2. The bundled MNIST-5k (seeded shuffle, its 4,500 training images), 15 epochs: accuracy on the
   official 10k MNIST test set (target >= 97%; PyTorch here: 97.1-97.4%).

    python benchmarks/accuracy.py [--seed 0] [--skip-fashion] [--skip-mnist]
"""

import argparse
import sys
import time
from pathlib import Path

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
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-fashion", action="store_true")
    parser.add_argument("--skip-mnist", action="store_true")
    args = parser.parse_args(argv)
    if not args.skip_fashion:
        print("Fashion-MNIST 60k, batch 128, Adam 1e-3:")
        acc = train_and_test(*fashion_mnist(), 5, {1, 5}, args.seed)
        print(f"fashion-mnist test accuracy: epoch 1 {acc[1]:.2%} (>= 84%), "
              f"epoch 5 {acc[5]:.2%} (>= 88.5%)")
    if not args.skip_mnist:
        print("MNIST-5k (4,500 training images), 15 epochs, official MNIST test set:")
        acc = train_and_test(*mnist_5k_and_official_test(args.seed), 15, {15}, args.seed)
        print(f"mnist-5k -> mnist test accuracy after 15 epochs: {acc[15]:.2%} (>= 97%)")


if __name__ == "__main__":
    main()
