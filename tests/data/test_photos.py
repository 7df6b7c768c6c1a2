"""Bundled photos and image files read as RGB."""

import numpy as np
import pytest

from cnn_explorer.data import photos

Image = pytest.importorskip("PIL.Image")


@pytest.mark.parametrize("name", list(photos.BUNDLED_PHOTOS))
def test_bundled_photos_are_colour(name):
    rgb = photos.load_photo(name)
    assert rgb.dtype == np.uint8 and rgb.ndim == 3 and rgb.shape[2] == 3
    assert not (rgb == rgb[..., :1]).all()          # really colour
    notice = photos.photo_path(name).parent.parent / "NOTICE"
    assert photos.photo_path(name).name in notice.read_text()


def test_astronaut_is_512_and_shrinks_keeping_proportions():
    assert photos.load_photo("astronaut").shape == (512, 512, 3)
    assert photos.load_photo("chelsea", max_side=30).shape == (20, 30, 3)
    assert photos.load_photo("chelsea", max_side=1000).shape == (200, 300, 3)   # never enlarged


def test_grey_and_transparent_files(tmp_path):
    Image.fromarray(np.full((4, 6), 70, np.uint8)).save(tmp_path / "g.png")
    grey = photos.load_photo(tmp_path / "g.png")
    assert grey.shape == (4, 6, 3) and (grey == 70).all()
    Image.fromarray(np.zeros((3, 3, 4), np.uint8)).save(tmp_path / "t.png")
    assert (photos.load_photo(tmp_path / "t.png") == 255).all()


def test_bad_sources_say_why(tmp_path):
    with pytest.raises(ValueError, match="does not exist"):
        photos.load_photo(tmp_path / "missing.png")
    (tmp_path / "x.png").write_text("not an image")
    with pytest.raises(ValueError, match="cannot be read as an image"):
        photos.load_photo(tmp_path / "x.png")
    with pytest.raises(ValueError, match="max_side"):
        photos.load_photo("astronaut", max_side=0)
    with pytest.raises(ValueError, match="no bundled photo"):
        photos.photo_path("moon")


def test_a_colour_input_is_shown_the_photo_and_a_grey_one_the_digit():
    from cnn_explorer.data import samples

    image, batch = samples.sample_for((32, 32, 3))
    assert image.shape == (32, 32, 3) and batch.shape == (1, 32, 32, 3)
    assert 0 <= image.min() and image.max() <= 1 and (image[..., 0] != image[..., 1]).any()
    grey, grey_batch = samples.sample_for((28, 28, 1))
    want, want_batch = samples.resized_for(samples.digit(), (28, 28, 1))
    np.testing.assert_array_equal(grey, want)
    np.testing.assert_array_equal(grey_batch, want_batch)
    assert samples.sample_for((10,)) is None
    with pytest.raises(ValueError, match="needs an input of 3 channels, not 1"):
        samples.resized_for(image, (8, 8, 1))
