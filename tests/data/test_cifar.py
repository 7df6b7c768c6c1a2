"""CIFAR-10: its binary records, the archive reader, and the download from a server on 127.0.0.1
serving an archive the test writes (a few records per batch, laid out as the real one)."""

import numpy as np
import pytest

from colour_data import archive, mirror, records  # noqa: F401 (mirror is a fixture)
from cnn_explorer.data import catalog, cifar
from cnn_explorer.data.download import (COLOUR_DOWNLOADS, DownloadCancelled, DownloadError,
                                        DownloadSpec, RemoteFile, download, is_complete)


def test_records_decode_to_rgb_images(rng):
    images, labels, raw = records(rng, 5)
    got_images, got_labels = cifar.decode_records(raw, "x")
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert got_images.shape == (5, 32, 32, 3) and got_images.flags.c_contiguous


def test_damaged_records_are_refused(rng):
    _, _, raw = records(rng, 2)
    with pytest.raises(ValueError, match="not a whole number of 3,073-byte CIFAR records"):
        cifar.decode_records(raw[:-1], "data_batch_1.bin")
    with pytest.raises(ValueError, match="label 200"):
        cifar.decode_records(bytes([200]) + raw[1:], "data_batch_1.bin")


def test_archive_reads_train_and_test(tmp_path, rng):
    want = archive(tmp_path / cifar.ARCHIVE, rng)
    x_train, y_train, x_test, y_test, names = cifar.read_archive(tmp_path / cifar.ARCHIVE)
    train = np.concatenate([want[n][0] for n in cifar.TRAIN_BATCHES])
    np.testing.assert_array_equal(x_train, train)
    np.testing.assert_array_equal(y_test, want[cifar.TEST_BATCH][1])
    assert x_train.shape == (35, 32, 32, 3) and x_test.shape == (7, 32, 32, 3)
    assert names == cifar.CLASS_NAMES


def test_archive_missing_a_batch_or_not_an_archive(tmp_path, rng):
    archive(tmp_path / "a.tar.gz", rng, skip=("data_batch_3.bin",))
    with pytest.raises(ValueError, match="has no cifar-10-batches-bin/data_batch_3.bin"):
        cifar.read_archive(tmp_path / "a.tar.gz")
    (tmp_path / "b.tar.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match="cannot be read as the CIFAR-10 archive"):
        cifar.read_archive(tmp_path / "b.tar.gz")


def test_the_real_entry_is_checksummed():
    entry = COLOUR_DOWNLOADS["cifar-10"]
    remote, = entry.files
    assert remote.name == cifar.ARCHIVE and remote.size == 170_052_171
    assert len(remote.sha256) == 64 and len(remote.md5) == 32
    assert entry.mirrors[0].startswith("https://") and entry.licence


def test_download_verify_list_and_load(tmp_path, mirror):
    url, want, _ = mirror
    cache = tmp_path / "cache"
    seen = []
    download("cifar-10", cache_dir=cache, base_url=url, progress=lambda d, t: seen.append((d, t)))
    assert is_complete("cifar-10", cache)
    assert seen[-1][0] == seen[-1][1] > 0
    assert "cifar-10" in [i.name for i in catalog.available(cache_dir=cache)]
    data = catalog.load("cifar-10", cache_dir=cache)
    assert data.x_train.shape == (300, 32, 32, 3) and data.x_test.shape == (60, 32, 32, 3)
    np.testing.assert_array_equal(data.x_test, want[cifar.TEST_BATCH][0])
    assert data.class_names[0] == "airplane" and data.title == "CIFAR-10"
    grey = catalog.load("cifar-10", cache_dir=cache, grey=True)
    assert grey.x_train.shape == (300, 32, 32) and grey.x_test.dtype == np.uint8
    np.testing.assert_array_equal(grey.x_test, catalog.luminance(data.x_test))


def test_luminance_rounds_as_pillow_does(rng):
    image = pytest.importorskip("PIL.Image")
    rgb = rng.integers(0, 256, (40, 50, 3)).astype(np.uint8)
    np.testing.assert_array_equal(catalog.luminance(rgb),
                                  np.asarray(image.fromarray(rgb).convert("L")))


def test_cancel_keeps_nothing(tmp_path, mirror):
    url, _, _ = mirror
    cache = tmp_path / "cache"
    with pytest.raises(DownloadCancelled):
        download("cifar-10", cache_dir=cache, base_url=url, should_cancel=iter(
            [False, False, True]).__next__)
    folder = cache / "datasets" / "cifar-10"
    assert list(folder.iterdir()) == [] and not is_complete("cifar-10", cache)
    with pytest.raises(ValueError, match="CIFAR-10 is not on this computer yet"):
        catalog.load("cifar-10", cache_dir=cache)


def test_checksum_mismatch_keeps_nothing(tmp_path, mirror, monkeypatch):
    url, _, spec = mirror
    bad = RemoteFile(spec.files[0].name, "0" * 64, None, spec.files[0].size)
    monkeypatch.setitem(COLOUR_DOWNLOADS, "cifar-10", DownloadSpec("CIFAR-10", spec.mirrors,
                                                                   (bad,), "test"))
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download("cifar-10", cache_dir=tmp_path / "cache", base_url=url)
    assert list((tmp_path / "cache" / "datasets" / "cifar-10").iterdir()) == []


def test_unknown_download_lists_cifar():
    with pytest.raises(ValueError, match="cifar-10"):
        download("imagenet")
