"""Property tests of the data functions: IDX files round-trip exactly, splits are stratified,
and anything else given to them is a ValueError."""

import numpy as np
from hypothesis import given, strategies as st

from cnn_explorer.data import catalog, samples
from cnn_explorer.data.idx import read_idx, read_idx_header, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.floats(),
                 st.integers(-2 ** 70, 2 ** 70), st.lists(st.integers(-3, 3), max_size=3),
                 st.just(np.array(2)), st.fractions(), st.just(object()))


def value_error_or_ok(call):
    try:
        return call()
    except ValueError as error:
        assert str(error)


@given(shape=st.lists(st.integers(0, 4), min_size=1, max_size=4),
       dtype=st.sampled_from(DTYPES), gz=st.booleans(), seed=st.integers(0, 999))
def test_idx_round_trip(tmp_path_factory, shape, dtype, gz, seed):
    folder = tmp_path_factory.mktemp("idx")
    array = (np.random.default_rng(seed).normal(size=shape) * 100).astype(dtype)
    path = folder / ("a.idx.gz" if gz else "a.idx")
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and np.array_equal(back, array, equal_nan=True)
    assert read_idx_header(path) == (np.dtype(dtype).newbyteorder(">"), tuple(shape))


@given(labels=st.lists(st.integers(0, 5), min_size=1, max_size=60),
       fraction=st.floats(0.05, 0.95), seed=st.integers(0, 2 ** 32))
def test_stratified_split_is_a_stratified_partition(labels, fraction, seed):
    train, test = catalog.stratified_split(labels, fraction, seed)
    assert sorted(np.concatenate([train, test]).tolist()) == list(range(len(labels)))
    labels = np.array(labels)
    for cls in np.unique(labels):
        n = int((labels == cls).sum())
        held = int((labels[test] == cls).sum())
        assert held == (0 if n == 1 else min(max(int(n * fraction + 0.5), 1), n - 1))


@given(junk, junk, junk)
def test_data_functions_take_anything(a, b, c):
    for call in (lambda: catalog.stratified_split(a, b, c), lambda: samples.resized_for(a, b),
                 lambda: samples.resized_for(np.ones((3, 3)), a),
                 lambda: catalog.read_split(a, b) if isinstance(a, str) else None,
                 lambda: catalog.load(a) if isinstance(a, str) else None):
        value_error_or_ok(call)


@given(h=st.integers(1, 40), w=st.integers(1, 40), c=st.integers(1, 3))
def test_resized_sample_is_a_nearest_pixel_copy(h, w, c):
    image = np.arange(28 * 28, dtype=float).reshape(28, 28)
    small, batch = samples.resized_for(image, (h, w, c))
    assert small.shape == (h, w) and batch.shape == (1, h, w, c)
    assert small[-1, -1] == image[(h - 1) * 28 // h, (w - 1) * 28 // w]
