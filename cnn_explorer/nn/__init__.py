"""The convnet engine (NumPy only, no Qt): layers, Sequential, optimisers, training.

Channels-last and Keras-shaped: ``Sequential([...], input_shape=(28, 28, 1))``,
``guide_model.guide_convnet()``, ``training.train_steps(model, (x, y), TrainConfig(...))``.
"""

from .layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense, Dropout,
                     Flatten, MaxPooling2D, ReLU, Softmax)
from .model import Sequential
from .guide_model import guide_convnet
from .saving import load_model
from .training import Snapshot, TrainConfig, split_validation, train_steps

__all__ = ["Activation", "AveragePooling2D", "BatchNormalization", "Conv2D", "Dense", "Dropout",
           "Flatten", "MaxPooling2D", "ReLU", "Softmax", "Sequential", "guide_convnet",
           "load_model", "Snapshot", "TrainConfig", "split_validation", "train_steps"]
