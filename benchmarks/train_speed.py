"""Training speed of the guide convnet: ours against PyTorch eager in the same run.

Trains the guide model (Fashion-MNIST, batch 128, Adam 1e-3, glorot-uniform kernels, zero biases)
on 2 cores and prints seconds per 60k-image epoch, images per second and peak memory above the
baseline. If PyTorch is importable it trains the same model with ``torch.set_num_threads(2)`` and
the last line is ``ratio ours/pytorch: R`` (time ours / time PyTorch; lower is better).

    python benchmarks/train_speed.py [--images 60000] [--repeats 3] [--dataset cifar-10]

``--dataset cifar-10`` times the same architecture on colour images 32×32×3 (CIFAR-10's shape):
the downloaded CIFAR-10 if it is in the cache, else seeded random pixels of that shape (the time
per image does not depend on what the pixels show).

Each library trains ``--repeats`` times, alternating, and the fastest run of each counts: the
machine is shared, and the best run is the one least disturbed by other processes.

On machines where OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set for old OpenBLAS builds, unset
both for this command only (``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python ...``); the
first line shows which BLAS kernel runs.
"""

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _torch_ref  # noqa: E402
from _data import fashion_mnist  # noqa: E402

from cnn_explorer.nn.guide_model import guide_convnet  # noqa: E402
from cnn_explorer.nn.training import TrainConfig, train_steps  # noqa: E402

EPOCH = 60000
WARMUP = 8 * 128


def _status(field):
    """A memory figure (bytes) from /proc/self/status, e.g. VmRSS or VmHWM."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak():
    # writing 5 to clear_refs resets VmHWM (peak RSS) to the current RSS (Linux >= 4.0)
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def blas_line():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS: threadpoolctl not installed (BLAS threads not limited per worker)"
    info = [f"{i['internal_api']} {i.get('version')} {i.get('architecture')}"
            for i in threadpool_info() if i["user_api"] == "blas"]
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE") if k in os.environ}
    return f"BLAS: {', '.join(info)}; env overrides: {env or 'none'}"


def _shape(x):
    return x.shape[1:] if x.ndim == 4 else x.shape[1:] + (1,)


def value_images(count):
    """CIFAR-10's training images if downloaded, else seeded random ones of its shape."""
    from cnn_explorer.data import catalog

    try:
        data = catalog.load("cifar-10")
        return data.x_train[:count], data.y_train[:count], "CIFAR-10 (downloaded)"
    except ValueError:
        rng = np.random.default_rng(0)
        return (rng.integers(0, 256, (count, 32, 32, 3), dtype=np.uint8),
                rng.integers(0, 10, count), "random pixels 32×32×3 (CIFAR-10 not downloaded)")


def time_ours(x, y):
    """Seconds to train a fresh guide model on (x, y), peak memory above baseline, last loss."""
    config = TrainConfig(epochs=1, batch_size=128, validation_split=0.0,
                         snapshot_every=10 ** 9, threads=2)
    model = guide_convnet(seed=0, input_shape=_shape(x))
    for _ in train_steps(model, (x[:WARMUP], y[:WARMUP]), config):
        pass
    model = guide_convnet(seed=0, input_shape=_shape(x))
    _reset_peak()
    baseline = _status("VmRSS")
    start = time.perf_counter()
    for snap in train_steps(model, (x, y), config):
        pass
    elapsed = time.perf_counter() - start
    peak = _status("VmHWM") - baseline
    return elapsed, peak, snap.loss


def time_torch(x, y):
    """Seconds for PyTorch to train the same model (Keras init) on (x, y), last batch loss."""
    import torch

    torch.set_num_threads(2)
    model, opt = _torch_ref.guide_model(seed=0, init="keras", input_shape=_shape(x))
    xt, yt = _torch_ref.as_tensors(x, y)
    _torch_ref.train_epoch(model, opt, xt[:WARMUP], yt[:WARMUP])
    start = time.perf_counter()
    last_loss = _torch_ref.train_epoch(model, opt, xt, yt)
    return time.perf_counter() - start, last_loss


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=EPOCH, help="training images to time")
    parser.add_argument("--repeats", type=int, default=3, help="runs per library (best counts)")
    parser.add_argument("--dataset", choices=("fashion-mnist", "cifar-10"),
                        default="fashion-mnist", help="28×28 grey, or 32×32×3 colour images")
    args = parser.parse_args(argv)
    if args.dataset == "cifar-10":
        x, y, what = value_images(args.images)
    else:
        x, y, _, _ = fashion_mnist()
        x, y, what = x[:args.images], y[:args.images], "Fashion-MNIST"
    print(f"data: {what}, images {'×'.join(map(str, _shape(x)))}")
    print(blas_line())
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) on {os.cpu_count()} cores")
    try:
        import torch
    except ImportError:
        torch = None
    ours, theirs = [], []
    for _ in range(args.repeats):
        ours.append(time_ours(x, y))
        if torch is not None:
            theirs.append(time_torch(x, y))
    best, peak, loss = min(ours)
    print(f"ours:    {best / len(x) * EPOCH:6.2f} s/epoch (60k), {len(x) / best:7.0f} images/s, "
          f"peak memory +{max(p for _, p, _ in ours) / 2 ** 20:.0f} MB, last running loss "
          f"{loss:.3f} (runs: {', '.join(f'{t:.1f}' for t, _, _ in ours)} s)")
    if torch is None:
        print("pytorch: not installed, no ratio")
        return
    their_best, loss = min(theirs)
    print(f"pytorch: {their_best / len(x) * EPOCH:6.2f} s/epoch (60k), {len(x) / their_best:7.0f} "
          f"images/s (torch {torch.__version__}, 2 threads), last batch loss {loss:.3f} "
          f"(runs: {', '.join(f'{t:.1f}' for t, _ in theirs)} s)")
    print(f"load: {os.getloadavg()[0]:.2f} (1-minute average) at the end")
    print(f"ratio ours/pytorch: {best / their_best:.2f}")


if __name__ == "__main__":
    main()
