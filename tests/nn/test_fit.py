"""fit_problem: the first mismatch between a model and a dataset, said as what to change."""

import pytest

from cnn_explorer.nn.fit import fit_problem, image_shape_of


def test_a_model_that_fits_has_no_problem():
    assert fit_problem((28, 28, 1), 10, (28, 28), 10, "MNIST") == ""
    assert fit_problem((28, 28, 1), 10, (28, 28, 1), 10, "MNIST") == ""
    assert fit_problem((32, 32, 3), 10, (32, 32, 3), 10, "CIFAR-10") == ""


def test_channels_come_first_then_size_then_classes():
    assert fit_problem((32, 32, 3), 5, (28, 28), 10, "MNIST") == (
        "The model takes colour images (3 channels: R, G, B) but MNIST has grey images: set the "
        "input to 28×28×1 on the Model page, then press New model.")
    assert fit_problem((8, 8, 1), 5, (28, 28), 10, "MNIST") == (
        "The model takes 8×8 images but MNIST has 28×28 images: set the input to 28×28×1 on the "
        "Model page, then press New model.")
    assert fit_problem((28, 28, 1), 10, (28, 28), 2, "Parity") == (
        "The model has 10 outputs but Parity has 2 classes: set the last Dense layer's units to 2 "
        "on the Model page, then press New model.")


def test_colour_data_needs_a_colour_input():
    assert fit_problem((28, 28, 1), 10, (32, 32, 3), 10, "CIFAR-10") == (
        "The model takes grey images but CIFAR-10 has colour images (3 channels: R, G, B): set "
        "the input to 32×32×3 on the Model page, then press New model.")
    # the right channels, the wrong size: the size is what to change, with the channels kept
    assert fit_problem((28, 28, 3), 10, (32, 32, 3), 10, "CIFAR-10") == (
        "The model takes 28×28 images but CIFAR-10 has 32×32 images: set the input to 32×32×3 "
        "on the Model page, then press New model.")
    assert "images with 4 channels" in fit_problem((8, 8, 4), 2, (8, 8, 3), 2, "x")
    assert fit_problem((28, 28, 1), 10, (32, 32, 3), 10, "CIFAR-10", "press New model.") == (
        "The model takes grey images but CIFAR-10 has colour images (3 channels: R, G, B): "
        "press New model.")


def test_image_shape_of_a_batch():
    assert image_shape_of((5, 28, 28)) == (28, 28, 1)
    assert image_shape_of((5, 32, 32, 3)) == (32, 32, 3)
    with pytest.raises(ValueError, match=r"\(N, H, W\) or \(N, H, W, C\)"):
        image_shape_of((5, 28))


def test_a_model_that_ends_in_maps_cannot_train_and_says_how_to_end_it():
    # Conv2D(10) then Softmax has 10 "outputs" per pixel: the page let it through and crashed
    problem = fit_problem((28, 28, 1), (None, 26, 26, 10), (28, 28), 10, "MNIST")
    assert problem.startswith("The model's output is (26, 26, 10) per image")
    assert fit_problem((28, 28, 1), (None, 10), (28, 28), 10, "MNIST") == ""
