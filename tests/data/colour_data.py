"""Colour test data shared by the data tests and the Training page's: folders of noisy colour
pictures, and a fake CIFAR-10 archive laid out as the real one, served on 127.0.0.1 with
``COLOUR_DOWNLOADS`` pointed at it."""

import hashlib
import io
import tarfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from cnn_explorer.data import catalog, cifar
from cnn_explorer.data.download import COLOUR_DOWNLOADS, DownloadSpec, RemoteFile


def noisy_colour_folder(root, rng, colours, per_class, size=16, spread=25):
    """``root/<class>/<i>.png``: ``per_class`` pictures ``size``×``size`` of each class's RGB
    colour (``colours``: class name -> (r, g, b)) with Gaussian noise of ``spread``; ``root``."""
    from PIL import Image

    for name, colour in colours.items():
        for i in range(per_class):
            noisy = np.clip(np.array(colour) + rng.normal(0, spread, (size, size, 3)), 0, 255)
            path = root / name / f"{i}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(noisy.astype(np.uint8)).save(path)
    return root


def records(rng, n):
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 256, (n, 32, 32, 3)).astype(np.uint8)
    planes = images.transpose(0, 3, 1, 2).reshape(n, -1)       # R plane, G plane, B plane
    return images, labels, np.concatenate([labels[:, None], planes], axis=1).tobytes()


def archive(path, rng, per_batch=7, names=cifar.CLASS_NAMES, skip=()):
    want = {}
    with tarfile.open(path, "w:gz") as tar:
        members = [*cifar.TRAIN_BATCHES, cifar.TEST_BATCH]
        for name in members:
            images, labels, raw = records(rng, per_batch)
            want[name] = images, labels
            if name in skip:
                continue
            info = tarfile.TarInfo(f"{cifar.FOLDER}/{name}")
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
        meta = "\n".join(names).encode() + b"\n"
        info = tarfile.TarInfo(f"{cifar.FOLDER}/batches.meta.txt")
        info.size = len(meta)
        tar.addfile(info, io.BytesIO(meta))
    return want


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass        # a cancelled client closes its socket mid-file


@pytest.fixture
def mirror(tmp_path, rng, monkeypatch):
    """A served fake archive (big enough to take several chunks) and COLOUR_DOWNLOADS pointing
    at it with its real checksums."""
    root = tmp_path / "mirror"
    root.mkdir()
    want = archive(root / cifar.ARCHIVE, rng, per_batch=60)
    content = (root / cifar.ARCHIVE).read_bytes()
    spec = DownloadSpec("CIFAR-10", ("http://127.0.0.1:9/unused/",), (RemoteFile(
        cifar.ARCHIVE, hashlib.sha256(content).hexdigest(), hashlib.md5(content).hexdigest(),
        len(content)),), "test")
    monkeypatch.setitem(COLOUR_DOWNLOADS, "cifar-10", spec)
    monkeypatch.setattr(catalog, "SYSTEM_DATASETS", {})
    server = _Server(("127.0.0.1", 0), partial(_Handler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", want, spec
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
