"""The guide convnet in PyTorch: the reference the benchmarks measure against (never imported by
the package; PyTorch is optional).

``init="keras"`` gives Keras's defaults (glorot-uniform kernels, zero biases), the scheme our
engine uses; ``init="torch"`` keeps PyTorch's own (uniform ±1/sqrt(fan_in) kernels and biases).
"""

import numpy as np

INITS = ("keras", "torch")


def guide_model(seed=0, init="keras", input_shape=(28, 28, 1)):
    """(model, Adam optimiser) for the guide's Conv 32 -> Pool -> Conv 64 -> Pool -> Dropout -> Dense 10
    on images ``input_shape`` (height, width, channels)."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    h, w, c = input_shape
    side = lambda n: ((n - 2) // 2 - 2) // 2        # noqa: E731 (two conv 3 + pool 2 stages)
    model = nn.Sequential(nn.Conv2d(c, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                          nn.Dropout(0.5), nn.Linear(64 * side(h) * side(w), 10))
    if init == "keras":
        for m in model:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.xavier_uniform_(m.weight)  # = Keras glorot_uniform
                nn.init.zeros_(m.bias)
    # Keras's Adam epsilon (PyTorch's default is 1e-8)
    return model, torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)


def as_tensors(x, y):
    """uint8 images (N, H, W) or (N, H, W, C) and labels (N,) as PyTorch's (N, C, H, W) float32 in
    [0, 1], int64."""
    import torch

    planes = x[:, None] if x.ndim == 3 else np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    return (torch.from_numpy(planes.astype(np.float32) / 255),
            torch.from_numpy(y.astype(np.int64)))


def train_epoch(model, opt, xt, yt, batch_size=128):
    """One shuffled pass over (xt, yt); returns the last batch's loss."""
    import torch
    from torch import nn

    loss_fn = nn.CrossEntropyLoss()
    model.train()
    order = torch.randperm(len(xt))
    for i in range(0, len(xt), batch_size):
        idx = order[i:i + batch_size]
        opt.zero_grad()
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    return loss.item()


def accuracy(model, xt, yt):
    """Fraction of (xt, yt) the model classifies correctly (dropout off)."""
    import torch

    model.eval()
    with torch.no_grad():
        hits = sum(int((model(xt[i:i + 1000]).argmax(1) == yt[i:i + 1000]).sum())
                   for i in range(0, len(xt), 1000))
    return hits / len(xt)
