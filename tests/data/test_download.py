"""Downloads, served from ../shared/data by a local server on 127.0.0.1 (never the internet)."""

import hashlib
import shutil
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from cnn_explorer.data.idx import read_idx
from cnn_explorer.data import catalog
from cnn_explorer.data.download import (DOWNLOADS, DownloadCancelled, DownloadError,
                                        DownloadSpec, RemoteFile, cache_dir, download)

SERVER_LIFETIME = 60.0  # seconds: the server stops itself even if a test hangs


class _Handler(SimpleHTTPRequestHandler):
    """Serves the folder; ``/cut/<name>`` promises the whole file but sends only half of it;
    ``/trickle/<name>`` promises it, sends 100 bytes, then holds the connection open silently
    (a stalled or very slow server) until the test releases it."""

    requests: list[str]
    release: threading.Event

    def do_GET(self):
        self.requests.append(self.path)
        if self.path.startswith("/trickle/"):
            body = (self.directory_path / self.path[len("/trickle/"):]).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:100])
            self.wfile.flush()
            self.release.wait(SERVER_LIFETIME)
            self.close_connection = True
            return
        if self.path.startswith("/cut/"):
            body = (self.directory_path / self.path[len("/cut/"):]).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, *args):
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a cancelled client closes its socket mid-file; that is expected here


@pytest.fixture
def served(tmp_path, shared_data):
    """A folder laid out like an MNIST mirror (train = mnist-5k, t10k = official) on 127.0.0.1."""
    root = tmp_path / "mirror"
    root.mkdir()
    shutil.copy(shared_data / "mnist-5k" / "images-idx3-ubyte.gz",
                root / "train-images-idx3-ubyte.gz")
    shutil.copy(shared_data / "mnist-5k" / "labels-idx1-ubyte.gz",
                root / "train-labels-idx1-ubyte.gz")
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        shutil.copy(shared_data / "mnist-test" / name, root / name)
    requests: list[str] = []
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"requests": requests, "directory_path": root,
                                             "release": release})
    server = _QuietServer(("127.0.0.1", 0), partial(handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    watchdog = threading.Timer(SERVER_LIFETIME, server.shutdown)
    watchdog.daemon = True
    watchdog.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", root, requests
    release.set()
    watchdog.cancel()
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def spec(served, monkeypatch):
    """DOWNLOADS["mnist"] with the real, published entries for the official t10k files and the
    mnist-5k files standing in for the 60,000 training images."""
    _, root, _ = served
    real = {f.name: f for f in DOWNLOADS["mnist"].files}
    files = []
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"):
        content = (root / name).read_bytes()
        files.append(RemoteFile(name, hashlib.sha256(content).hexdigest(), None, len(content)))
    files += [real["t10k-images-idx3-ubyte.gz"], real["t10k-labels-idx1-ubyte.gz"]]
    local = DownloadSpec("MNIST", ("http://127.0.0.1:9/unused/",), tuple(files), "test")
    monkeypatch.setitem(DOWNLOADS, "mnist", local)
    return local


@pytest.fixture(autouse=True)
def no_system_datasets(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "SYSTEM_DATASETS", {})
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


def _leftovers(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_recorded_mnist_test_checksums_match_the_official_files(shared_data):
    for remote in DOWNLOADS["mnist"].files[2:]:
        content = (shared_data / "mnist-test" / remote.name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == remote.sha256
        assert hashlib.md5(content).hexdigest() == remote.md5
        assert len(content) == remote.size


def test_every_download_has_four_verified_files():
    for name, entry in DOWNLOADS.items():
        assert [f.name for f in entry.files] == [
            "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
            "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"], name
        for f in entry.files:
            assert len(f.sha256) == 64 and len(f.md5) == 32 and f.size > 0
        assert entry.mirrors and entry.licence


def test_download_then_listed_and_loaded(tmp_path, served, spec):
    url, root, requests = served
    calls = []
    folder = download("mnist", cache_dir=tmp_path / "c", base_url=url,
                      progress=lambda done, total: calls.append((done, total)))
    assert folder == tmp_path / "c" / "datasets" / "mnist"
    assert _leftovers(folder) == sorted(f.name for f in spec.files)
    for remote in spec.files:
        assert (folder / remote.name).read_bytes() == (root / remote.name).read_bytes()
    total = sum(f.size for f in spec.files)
    assert calls[-1] == (total, total)
    assert all(t == total for _, t in calls)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls) and len(calls) > 4

    info = {i.name: i for i in catalog.available(cache_dir=tmp_path / "c")}["mnist"]
    assert (info.source, info.path, info.num_train, info.num_test) == ("cache", folder, 5000,
                                                                       10000)
    data = catalog.load("mnist", cache_dir=tmp_path / "c")
    assert data.x_train.shape == (5000, 28, 28) and data.x_test.shape == (10000, 28, 28)
    assert data.class_names == tuple("0123456789") and data.title == "MNIST"

    # A second call finds everything in the cache and fetches nothing.
    requests.clear()
    assert download("mnist", cache_dir=tmp_path / "c", base_url=url) == folder
    assert requests == []


def test_default_cache_honours_xdg(tmp_path, served, spec):
    url, _, _ = served
    assert cache_dir() == tmp_path / "xdg" / "cnn-explorer"
    folder = download("mnist", base_url=url)
    assert folder == tmp_path / "xdg" / "cnn-explorer" / "datasets" / "mnist"
    assert "mnist" in [i.name for i in catalog.available()]


def test_cancel_removes_the_partial_file(tmp_path, served, spec):
    url, _, _ = served
    calls = []

    def should_cancel():
        return len(calls) >= 3

    with pytest.raises(DownloadCancelled):
        download("mnist", cache_dir=tmp_path / "c", base_url=url,
                 progress=lambda d, t: calls.append(d), should_cancel=should_cancel)
    assert len(calls) == 3
    assert _leftovers(tmp_path / "c") == []
    assert "mnist" not in [i.name for i in catalog.available(cache_dir=tmp_path / "c")]
    with pytest.raises(ValueError, match="download it first"):
        catalog.load("mnist", cache_dir=tmp_path / "c")


def test_cancel_while_the_server_sends_slowly(tmp_path, served, spec):
    # The server sends 100 bytes and then nothing: the first read must hand those bytes back at
    # once (not wait for a whole chunk), so the cancel asked for after them takes effect.
    url, _, _ = served
    calls = []
    with pytest.raises(DownloadCancelled):
        download("mnist", cache_dir=tmp_path / "c", base_url=url + "trickle/",
                 progress=lambda d, t: calls.append(d), should_cancel=lambda: bool(calls))
    assert calls == [100]
    assert _leftovers(tmp_path / "c") == []


def test_checksum_mismatch_keeps_nothing(tmp_path, served, spec, monkeypatch):
    url, _, _ = served
    wrong = RemoteFile(spec.files[1].name, "0" * 64, None, spec.files[1].size)
    monkeypatch.setitem(DOWNLOADS, "mnist", DownloadSpec(
        "MNIST", spec.mirrors, (spec.files[0], wrong) + spec.files[2:], "test"))
    with pytest.raises(DownloadError, match="checksum mismatch") as info:
        download("mnist", cache_dir=tmp_path / "c", base_url=url)
    assert isinstance(info.value, ValueError)
    assert "train-labels-idx1-ubyte.gz" in str(info.value)
    # The verified first file stays (it is complete); the bad one left nothing behind.
    assert _leftovers(tmp_path / "c") == ["train-images-idx3-ubyte.gz"]
    assert "mnist" not in [i.name for i in catalog.available(cache_dir=tmp_path / "c")]


def test_oversized_transfer_is_stopped(tmp_path, served, spec, monkeypatch):
    url, _, _ = served
    small = RemoteFile(spec.files[0].name, spec.files[0].sha256, None, 1000)
    monkeypatch.setitem(DOWNLOADS, "mnist", DownloadSpec("MNIST", spec.mirrors, (small,), "t"))
    with pytest.raises(DownloadError, match="more than the expected 1,000 bytes"):
        download("mnist", cache_dir=tmp_path / "c", base_url=url)
    assert _leftovers(tmp_path / "c") == []


def test_http_error_and_cut_connection(tmp_path, served, spec):
    url, _, _ = served
    with pytest.raises(DownloadError, match="HTTP 404"):
        download("mnist", cache_dir=tmp_path / "c", base_url=url + "missing/")
    with pytest.raises(DownloadError, match="transfer failed"):
        download("mnist", cache_dir=tmp_path / "c", base_url=url + "cut/")
    assert _leftovers(tmp_path / "c") == []


def test_falls_back_to_the_next_mirror(tmp_path, served, spec, monkeypatch):
    url, _, requests = served
    monkeypatch.setitem(DOWNLOADS, "mnist", DownloadSpec(
        "MNIST", (url + "gone/", url), spec.files, "test"))
    calls = []
    download("mnist", cache_dir=tmp_path / "c", progress=lambda d, t: calls.append((d, t)))
    assert sum(r.startswith("/gone/") for r in requests) == 4
    total = sum(f.size for f in spec.files)
    assert calls[-1] == (total, total)


def test_unknown_size_reports_zero_total(tmp_path, served, spec, monkeypatch):
    url, _, _ = served
    unsized = tuple(RemoteFile(f.name, f.sha256, f.md5) for f in spec.files)
    monkeypatch.setitem(DOWNLOADS, "mnist", DownloadSpec("MNIST", spec.mirrors, unsized, "t"))
    calls = []
    download("mnist", cache_dir=tmp_path / "c", base_url=url,
             progress=lambda d, t: calls.append((d, t)))
    assert {t for _, t in calls} == {0}


def test_unknown_dataset_name():
    with pytest.raises(ValueError, match="no download is known for 'cifar'.*kmnist"):
        download("cifar")


def test_loaded_cache_images_match_the_shared_files(tmp_path, served, spec, shared_data):
    url, _, _ = served
    download("mnist", cache_dir=tmp_path / "c", base_url=url)
    data = catalog.load("mnist", cache_dir=tmp_path / "c")
    official = read_idx(shared_data / "mnist-test" / "t10k-labels-idx1-ubyte.gz")
    np.testing.assert_array_equal(data.y_test, official)


def test_unwritable_cache_is_a_clear_error(tmp_path, served, spec):
    url, _, _ = served
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache folder should be")
    with pytest.raises(DownloadError, match="cannot create the cache folder"):
        download("mnist", cache_dir=blocker, base_url=url)
