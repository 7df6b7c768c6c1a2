"""Data helpers shared by the benchmark scripts (not part of the package)."""

from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def fashion_mnist():
    """Fashion-MNIST (x_train, y_train, x_test, y_test) from the system package."""
    from cnn_explorer.data import catalog

    ds = catalog.load("fashion-mnist")
    return ds.x_train, ds.y_train, ds.x_test, ds.y_test


def mnist_5k_and_official_test(seed=0):
    """The bundled MNIST-5k training part (4,500 images) and the official 10k MNIST test set."""
    from cnn_explorer.data import catalog
    from cnn_explorer.data.folders import read_split

    ds = catalog.load("mnist-5k", seed=seed)
    x_test, y_test = read_split(SHARED / "mnist-test", "test")
    return ds.x_train, ds.y_train, x_test, y_test
