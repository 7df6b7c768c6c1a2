"""Ready-made architectures."""

from .layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from .model import Sequential


def guide_convnet(num_classes=10, input_shape=(28, 28, 1), seed=0):
    """The guide's convnet: two Conv2D(relu) + MaxPooling2D stages, Flatten, Dropout(0.5), Dense.

    With the defaults its ``summary()`` is the guide's table: 34,826 parameters.
    """
    return Sequential([
        Conv2D(32, kernel_size=(3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Conv2D(64, kernel_size=(3, 3), activation="relu"),
        MaxPooling2D(pool_size=(2, 2)),
        Flatten(),
        Dropout(0.5),
        Dense(num_classes, activation="softmax"),
    ], input_shape=input_shape, seed=seed)
