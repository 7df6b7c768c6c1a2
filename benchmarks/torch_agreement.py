"""Does our engine compute what PyTorch computes? The guide model (without dropout) in float64.

Copies PyTorch's initial weights into ours (conv kernels (cout, cin, kh, kw) -> (kh, kw, cin,
cout); the dense kernel re-ordered from PyTorch's channels-first flatten to our channels-last
one), then runs the same Fashion-MNIST batches through both with plain SGD (the same update rule
in both libraries) and prints the largest differences in loss, gradients and weights.

    python benchmarks/torch_agreement.py [--steps 30]
"""

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _data import fashion_mnist  # noqa: E402

from cnn_explorer.nn import Conv2D, Dense, Flatten, MaxPooling2D, Sequential, optim  # noqa: E402


def as_ours(tensors):
    """PyTorch's parameters (or their gradients), in ``parameters()`` order, in our layout."""
    w1, b1, w2, b2, w3, b3 = (t.detach() for t in tensors)
    return [w1.permute(2, 3, 1, 0).numpy(), b1.numpy(), w2.permute(2, 3, 1, 0).numpy(),
            b2.numpy(), w3.reshape(10, 64, 5, 5).permute(2, 3, 1, 0).reshape(1600, 10).numpy(),
            b3.numpy()]


def main(argv=None):
    import torch
    from torch import nn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args(argv)
    x, y, _, _ = fashion_mnist()
    torch.manual_seed(0)
    theirs = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3),
                           nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(1600, 10)).double()
    ours = Sequential([Conv2D(32, 3, activation="relu"), MaxPooling2D(2),
                       Conv2D(64, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                       Dense(10, activation="softmax")], dtype=np.float64)
    ours.set_weights(as_ours(theirs.parameters()))
    torch_opt = torch.optim.SGD(theirs.parameters(), lr=0.05)
    our_opt = optim.SGD(learning_rate=0.05)
    loss_fn = nn.CrossEntropyLoss()
    worst_loss = worst_grad = 0.0
    for step in range(args.steps):
        xb, yb = x[step * 128:(step + 1) * 128], y[step * 128:(step + 1) * 128]
        images = xb[..., None] / 255.0
        torch_opt.zero_grad()
        loss = loss_fn(theirs(torch.from_numpy(images.transpose(0, 3, 1, 2))), torch.from_numpy(yb))
        loss.backward()
        grads_as_ours = as_ours(p.grad for p in theirs.parameters())
        our_loss, our_grads = ours.loss_and_grads(images, yb)
        worst_loss = max(worst_loss, abs(our_loss - loss.item()))
        worst_grad = max(worst_grad, max(np.abs(a - b).max() for a, b in zip(our_grads, grads_as_ours)))
        torch_opt.step()
        our_opt.apply(ours.weight_arrays(), our_grads)
    weight_diff = max(np.abs(a - b).max()
                      for a, b in zip(ours.get_weights(), as_ours(theirs.parameters())))
    print(f"{args.steps} SGD steps, batch 128, float64: max |loss difference| {worst_loss:.1e}, "
          f"max |gradient difference| {worst_grad:.1e}, final max |weight difference| "
          f"{weight_diff:.1e}")


if __name__ == "__main__":
    main()
