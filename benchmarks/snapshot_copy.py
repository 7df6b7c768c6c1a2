"""What the training loop copies per mini-batch for the GUI, in bytes and in time.

The guide's model trains on the bundled MNIST-5k data (batch 128, Adam) the way the training
page's worker drives it: ``train_steps`` iterated, and at most ``--fps`` times a second the arrays
the filters view draws are taken (``TrainingWorker``'s frame). Every array a snapshot owns is
counted; the time to make those copies is then measured by copying the same arrays again, and
set against the time of one training batch measured in the same run.

    python benchmarks/snapshot_copy.py [--batches 60] [--fps 12.5]
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def owned_arrays(snapshot):
    """The arrays a snapshot holds (each a copy made for it)."""
    arrays = []
    for name in ("conv_kernels", "weights"):
        arrays.extend(a for a in (getattr(snapshot, name, None) or ()) if isinstance(a, np.ndarray))
    return arrays


def copy_seconds(arrays, repeats=200):
    """Median seconds to copy ``arrays`` once."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        for a in arrays:
            a.copy()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=60)
    parser.add_argument("--fps", type=float, default=12.5, help="frames the GUI draws per second")
    args = parser.parse_args(argv)

    from cnn_explorer.data import catalog
    from cnn_explorer.nn import guide_model, training

    take_frame = getattr(training, "with_arrays", None)   # None: every snapshot holds copies

    data = catalog.load(catalog.BUNDLED)
    model = guide_model.guide_convnet()
    config = training.TrainConfig(epochs=2, batch_size=128, validation_split=0.1, seed=0)
    copied, seconds, batches, frames, last_frame = [], [], 0, 0, 0.0
    start = time.perf_counter()
    for snapshot in training.train_steps(model, (data.x_train, data.y_train), config):
        arrays = owned_arrays(snapshot)
        now = time.perf_counter()
        if take_frame is not None and now - last_frame >= 1 / args.fps:
            last_frame, frames = now, frames + 1
            arrays += owned_arrays(take_frame(snapshot, model))
        copied.append(sum(a.nbytes for a in arrays))
        seconds.append(copy_seconds(arrays) if arrays else 0.0)
        batches += 1
        if batches >= args.batches:
            break
    per_batch = (time.perf_counter() - start) / batches
    print(f"guide model ({model.count_params():,} parameters), batch 128, {batches} batches, "
          f"{frames} frames taken at <= {args.fps:g}/s, {os.cpu_count()} CPUs")
    print(f"copied per batch: mean {np.mean(copied) / 1024:.1f} KiB "
          f"(max {max(copied) / 1024:.1f} KiB), {np.mean(seconds) * 1e6:.1f} µs "
          f"= {np.mean(seconds) / per_batch:.3%} of a {per_batch * 1000:.1f} ms batch")


if __name__ == "__main__":
    main()
