"""train_steps: determinism, resume, stop, divergence; optimisers; save/load round trip."""

import numpy as np
import pytest

from cnn_explorer.nn import optim
from cnn_explorer.nn.layers import Conv2D, Dense, Dropout, Flatten, MaxPooling2D
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.saving import save_model, load_model
from cnn_explorer.nn.training import (TrainConfig, shift_images, split_validation, train_steps,
                                      with_arrays)


def small_model(seed=0):
    return Sequential([Conv2D(4, 3, activation="relu"), MaxPooling2D(2), Flatten(), Dropout(0.2),
                       Dense(3, activation="softmax")], input_shape=(10, 10, 1), seed=seed)


@pytest.fixture
def data(rng):
    # three classes a convnet can learn: a bright row, a bright column, nothing
    y = rng.integers(0, 3, size=240)
    x = rng.integers(0, 60, size=(240, 10, 10)).astype(np.uint8)
    rows, cols = rng.integers(1, 9, size=240), rng.integers(1, 9, size=240)
    x[y == 0, rows[y == 0]] = 250
    x[np.flatnonzero(y == 1), :, cols[y == 1]] = 250
    return x, y


def run(model, data, **kw):
    snaps = list(train_steps(model, data, TrainConfig(**{"batch_size": 32, **kw})))
    return snaps


def weights_bytes(model):
    return [w.tobytes() for w in model.get_weights()]


@pytest.mark.parametrize("threads", [1, 2])
def test_same_seed_gives_bit_identical_weights(data, threads):
    a, b = small_model(), small_model()
    run(a, data, epochs=2, threads=threads)
    run(b, data, epochs=2, threads=threads)
    assert weights_bytes(a) == weights_bytes(b)
    c = small_model()
    run(c, data, epochs=2, threads=threads, seed=1)
    assert weights_bytes(a) != weights_bytes(c)


def test_training_learns_and_snapshots_are_copies(data):
    model = small_model()
    snaps = run(model, data, epochs=6, snapshot_every=2, learning_rate=2e-2)
    last = snaps[-1]
    assert last.done and last.reason == "finished" and last.epoch_end
    assert last.val_accuracy > 0.8 and len(last.history["loss"]) == 6
    assert last.history["loss"][0] > last.history["loss"][-1]
    ends = [s for s in snaps if s.epoch_end]
    assert [s.epoch for s in ends] == list(range(6))
    assert all(s.val_loss is not None for s in ends)
    assert all(s.val_loss is None for s in snaps if not s.epoch_end)
    # 216 training images, batch 32 -> 7 batches; snapshots after batches 2, 4, 6 and the epoch end
    assert [s.batch for s in snaps[:4]] == [1, 3, 5, 6] and snaps[0].batches_per_epoch == 7
    assert snaps[3].step == 7 and snaps[3].images_seen == 216
    first = snaps[0]
    assert first.history["loss"] == []


def test_a_snapshot_holds_arrays_only_when_asked_and_then_copies(data):
    model = small_model()
    steps = train_steps(model, data, TrainConfig(batch_size=32, epochs=1))
    first = next(steps)
    assert first.conv_kernels == () and first.weights == ()    # no copy unless it is drawn
    drawn = with_arrays(first, model)
    assert len(drawn.conv_kernels) == 1 and drawn.conv_kernels[0].shape == (3, 3, 1, 4)
    assert drawn.weights == () and drawn.step == first.step
    full = with_arrays(first, model, weights=True)
    np.testing.assert_array_equal(full.weights[0], model.get_weights()[0])
    assert full.weights[0] is not model.weight_arrays()[0]
    next(steps)
    assert not np.array_equal(drawn.conv_kernels[0], model.weight_arrays()[0])


def test_resume_from_a_saved_model_equals_uninterrupted_training(data, tmp_path):
    whole = small_model()
    run(whole, data, epochs=3)
    part = small_model()
    run(part, data, epochs=1)
    save_model(part, tmp_path / "m.npz")
    resumed = load_model(tmp_path / "m.npz")
    snaps = run(resumed, data, epochs=3)
    assert snaps[0].epoch == 1 and snaps[-1].reason == "finished"
    assert weights_bytes(resumed) == weights_bytes(whole)
    assert resumed.history == whole.history
    assert resumed.optimizer.iterations == whole.optimizer.iterations == 3 * 7


def test_stop_returns_within_one_batch(data):
    model = small_model()
    flag = {"stop": False}
    gen = train_steps(model, data, TrainConfig(epochs=5, batch_size=32),
                      should_stop=lambda: flag["stop"])
    for snap in gen:
        if snap.step == 3:
            flag["stop"] = True
            before = model.get_weights()
            break
    final = next(gen)
    assert final.done and final.reason == "stopped" and final.step == 3
    assert [w.tobytes() for w in before] == weights_bytes(model)
    with pytest.raises(StopIteration):
        next(gen)


def test_stop_during_validation(data):
    model = small_model()
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 7  # 7 batch checks pass, then the validation check stops

    snaps = list(train_steps(model, data, TrainConfig(epochs=2, batch_size=32), should_stop))
    assert snaps[-1].reason == "stopped" and model.history["loss"] == []


def test_divergence_keeps_the_last_finite_weights(data):
    model = small_model()
    snaps = run(model, data, epochs=3, optimizer="sgd", learning_rate=1e30)
    final = snaps[-1]
    assert final.done and final.reason.startswith("diverged: loss became")
    assert "the weights of the last finite step were kept" in final.reason
    assert all(np.isfinite(w).all() for w in model.get_weights())
    loss, _ = model.evaluate(*data)
    assert np.isfinite(loss)


def test_bad_configs_are_explained(data):
    with pytest.raises(ValueError, match="optimizer must be one of"):
        next(train_steps(small_model(), data, TrainConfig(optimizer="lbfgs")))
    with pytest.raises(ValueError, match="validation_split"):
        next(train_steps(small_model(), data, TrainConfig(validation_split=1.0)))


def test_split_validation_is_seeded_and_disjoint(rng):
    x = np.arange(50)
    y = np.arange(50)
    xt, yt, xv, yv = split_validation(x, y, 0.1, seed=4)
    assert len(xv) == 5 and len(xt) == 45
    assert sorted(np.concatenate([xt, xv]).tolist()) == list(range(50))
    assert np.array_equal(xv, split_validation(x, y, 0.1, seed=4)[2])
    assert not np.array_equal(xv, split_validation(x, y, 0.1, seed=5)[2])


def test_shift_images_moves_pixels_without_wrapping(rng):
    x = np.zeros((400, 5, 5, 1))
    x[:, 2, 2, 0] = 1
    out = shift_images(x, rng, 2)
    assert (out.sum(axis=(1, 2, 3)) == 1).all()
    rows = np.argwhere(out[..., 0])[:, 1]
    assert set(rows.tolist()) == {0, 1, 2, 3, 4}
    x[:, 0, 0, 0] = 1
    assert shift_images(x, rng, 2).sum() < 2 * len(x)  # corners leave the image, never wrap


def _keras_reference(name, w, g, steps, **kw):
    """The update rules written out from Keras's documentation, in float64."""
    w, m, v = w.copy(), np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        if name == "adam":
            lr_t = kw["learning_rate"] * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            w = w - lr_t * m / (np.sqrt(v) + 1e-7)
        elif name == "rmsprop":
            v = 0.9 * v + 0.1 * g * g
            w = w - kw["learning_rate"] * g / (np.sqrt(v) + 1e-7)
        else:
            mom = kw.get("momentum", 0.0)
            m = mom * m - kw["learning_rate"] * g
            w = w + (mom * m - kw["learning_rate"] * g if kw.get("nesterov") else m)
    return w


@pytest.mark.parametrize("name,kw", [("adam", {}), ("rmsprop", {}), ("sgd", {}),
                                     ("sgd", {"momentum": 0.9}),
                                     ("sgd", {"momentum": 0.9, "nesterov": True})])
def test_optimisers_follow_keras(rng, name, kw):
    w0, g = rng.normal(size=7), rng.normal(size=7)
    opt = optim.get({"name": name, **kw}, learning_rate=0.01)
    w = w0.copy()
    for _ in range(3):
        opt.apply([w], [g])
    np.testing.assert_allclose(w, _keras_reference(name, w0, g, 3, learning_rate=0.01, **kw),
                               rtol=1e-12)
    info, arrays = opt.get_state()
    twin = optim.get(opt.get_config())
    twin.set_state(info, arrays)
    w1, w2 = w.copy(), w.copy()
    opt.apply([w1], [g])
    twin.apply([w2], [g])
    np.testing.assert_array_equal(w1, w2)


def test_adam_defaults_are_keras():
    assert optim.Adam().get_config() == {"name": "adam", "learning_rate": 0.001, "beta_1": 0.9,
                                         "beta_2": 0.999, "epsilon": 1e-7}


def test_stop_before_the_first_batch_and_nothing_left_to_do(data):
    model = small_model()
    before = weights_bytes(model)
    snaps = list(train_steps(model, data, TrainConfig(epochs=2), should_stop=lambda: True))
    assert len(snaps) == 1 and snaps[0].reason == "stopped" and snaps[0].step == 0
    assert weights_bytes(model) == before
    run(model, data, epochs=1)
    again = run(model, data, epochs=1)  # one epoch is already done: finished at once
    assert len(again) == 1 and again[0].done and again[0].reason == "finished"


def test_augmented_training_is_deterministic_too(data):
    a, b = small_model(), small_model()
    run(a, data, epochs=1, augment_shift=2)
    run(b, data, epochs=1, augment_shift=2)
    assert weights_bytes(a) == weights_bytes(b)
    c = small_model()
    run(c, data, epochs=1)
    assert weights_bytes(a) != weights_bytes(c)


def test_epoch_end_snapshots_carry_the_validation_probabilities(data):
    model = small_model()
    snaps = run(model, data, epochs=1, validation_split=0.1)
    end = snaps[-1]
    _, _, x_val, y_val = split_validation(*data, 0.1, 0)
    assert end.epoch_end and end.val_probabilities.shape == (len(x_val), 3)
    np.testing.assert_allclose(end.val_probabilities, model.predict(x_val), rtol=1e-5, atol=1e-6)
    accuracy = float((end.val_probabilities.argmax(axis=1) == y_val).mean())
    assert accuracy == pytest.approx(end.val_accuracy)
    assert all(s.val_probabilities is None for s in snaps if not s.epoch_end)
    loss, acc, probs = model.evaluate(x_val, y_val, return_probabilities=True)
    assert (loss, acc) == model.evaluate(x_val, y_val) and probs.dtype == np.float32


def test_a_stop_before_an_epochs_first_batch_reports_no_fake_zero_loss(data):
    # 0/0 batches used to give loss 0.0 and accuracy 0.0: the curves drew a point at zero
    model = small_model()
    run(model, data, epochs=1)
    # the next run stops at its first check, before batch 1 of epoch 2
    final = list(train_steps(model, data, TrainConfig(epochs=2), should_stop=lambda: True))[-1]
    assert final.reason == "stopped" and final.epoch == 0
    assert final.batch == final.batches_per_epoch - 1
    assert final.loss == model.history["loss"][-1]
    assert final.accuracy == model.history["accuracy"][-1]
    untrained = list(train_steps(small_model(), data, TrainConfig(epochs=2), lambda: True))[-1]
    assert np.isnan(untrained.loss) and np.isnan(untrained.accuracy) and untrained.step == 0
