"""Optional download of the full MNIST-family datasets and CIFAR-10 into a per-user cache.

Every file is fetched with ``urllib`` in chunks into a ``.part`` file beside its destination,
hashed while it streams, checked against the published SHA-256 (and MD5 where torchvision
publishes one), and only then renamed into place. So a file in the cache is always complete
and verified, and a cancelled or failed download leaves nothing behind.

Checksums: the MD5s are the ones torchvision's ``datasets/mnist.py`` lists; the SHA-256s are the
ones torchvision's prototype datasets and TensorFlow Datasets list for the same files. The MNIST
test-set SHA-256s were re-computed here from the official files in ``../shared/data``. Sizes are
the byte counts the dataset authors publish (used for the progress total before the server
says how long a file is, and as an upper bound). CIFAR-10's MD5 and size are the ones its authors
publish (https://www.cs.toronto.edu/~kriz/cifar.html), its SHA-256 the one TensorFlow Datasets
lists for the same archive.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CHUNK = 64 * 1024
# seconds one blocking read may wait: cancel is checked after every read, and the app waits 10 s
# for a cancelled download before it refuses to close, so a stalled server must give up sooner
TIMEOUT = 8.0


class DownloadCancelled(Exception):
    """The user cancelled a download (``should_cancel()`` returned True); nothing was kept."""


class DownloadError(ValueError):
    """A download failed: network or HTTP error, or a checksum or size mismatch."""


@dataclass(frozen=True)
class RemoteFile:
    """One file of a dataset: its name on the mirror and in the cache, and how to verify it."""

    name: str
    sha256: str
    md5: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class DownloadSpec:
    """Where a dataset can be downloaded from and what its files must hash to."""

    title: str
    mirrors: tuple[str, ...]
    files: tuple[RemoteFile, ...]
    licence: str


def _mnist_layout(checksums: str) -> tuple[RemoteFile, ...]:
    """The four files of an MNIST-like set from ``checksums``: for each of them in the order
    train images, train labels, test images, test labels, its SHA-256, MD5 and size in bytes."""
    names = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
             "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    values = checksums.split()
    return tuple(RemoteFile(name, sha, md5, int(size)) for name, sha, md5, size
                 in zip(names, values[0::3], values[1::3], values[2::3], strict=True))


DOWNLOADS: dict[str, DownloadSpec] = {
    "mnist": DownloadSpec(
        title="MNIST",
        mirrors=("https://ossci-datasets.s3.amazonaws.com/mnist/",
                 "https://storage.googleapis.com/cvdf-datasets/mnist/"),
        files=_mnist_layout("""
            440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609
                f68b3c2dcbeaaa9fbdd348bbdeb94873 9912422
            3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c
                d53e105ee54ea40749a09fcbcd1e9432 28881
            8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6
                9fb629c4189551a2d022fa330f9573f3 1648877
            f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6
                ec29112dd5afa0611ce80d1b7f02629c 4542
        """),
        licence="MNIST by Yann LeCun, Corinna Cortes and Christopher Burges, CC BY-SA 3.0",
    ),
    "fashion-mnist": DownloadSpec(
        title="Fashion-MNIST",
        mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
                 "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/"
                 "fashion/"),
        files=_mnist_layout("""
            3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84
                8d4fb7e6c68d591d4c3dfef9ec88bf0d 26421880
            a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845
                25c81989df183df01b3e8a0aad5dffbe 29515
            346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073
                bef4ecab320f06d8554ea6380940ec79 4422102
            67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5
                bb300cfdad3c16e7a12a480ee83cd310 5148
        """),
        licence="Fashion-MNIST by Zalando Research (Han Xiao, Kashif Rasul, Roland Vollgraf), MIT",
    ),
    "kmnist": DownloadSpec(
        title="Kuzushiji-MNIST",
        mirrors=("https://codh.rois.ac.jp/kmnist/dataset/kmnist/",),
        files=_mnist_layout("""
            51467d22d8cc72929e2a028a0428f2086b092bb31cfb79c69cc0a90ce135fde4
                bdb82020997e1d708af4cf47b453dcf7 18165135
            e38f9ebcd0f3ebcdec7fc8eabdcdaef93bb0df8ea12bee65224341c8183d8e17
                e144d726b3acfaa3e44228e80efcd344 29497
            edd7a857845ad6bb1d0ba43fe7e794d164fe2dce499a1694695a792adfac43c5
                5c965bf0a639b31b8f53240b1b52f4d7 3041136
            20bb9a0ef54c7db3efc55a92eef5582c109615df22683c380526788f98e42a1c
                7320c461ea6c1c855c0b718fb2a4b134 5120
        """),
        licence="KMNIST by ROIS-DS CODH, adapted from the Kuzushiji dataset (NIJL and others), "
                "CC BY-SA 4.0",
    ),
}

#: Colour datasets, kept apart from :data:`DOWNLOADS` (the grey sets every page can train on
#: today): their images are ``(32, 32, 3)`` and are read by :mod:`cnn_explorer.data.cifar`.
COLOUR_DOWNLOADS: dict[str, DownloadSpec] = {
    "cifar-10": DownloadSpec(
        title="CIFAR-10",
        mirrors=("https://www.cs.toronto.edu/~kriz/",),
        files=(RemoteFile("cifar-10-binary.tar.gz",
                          "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd",
                          "c32a1d4ab5d03f1284b67883e8d87530", 170_052_171),),
        licence="CIFAR-10 by Alex Krizhevsky, Vinod Nair and Geoffrey Hinton (from the 80 "
                "million tiny images); free to use, cite Krizhevsky 2009",
    ),
}


def spec_for(name: str) -> DownloadSpec:
    """The download of ``name`` (MNIST family or colour); ValueError naming the known ones."""
    known = {**DOWNLOADS, **COLOUR_DOWNLOADS}
    if name not in known:
        raise ValueError(f"no download is known for {name!r}; choose one of "
                         f"{', '.join(sorted(known))}")
    return known[name]


def cache_dir() -> Path:
    """The per-user cache: ``$XDG_CACHE_HOME/cnn-explorer`` or ``~/.cache/cnn-explorer``."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cnn-explorer"


def dataset_dir(name: str, cache: str | os.PathLike | None = None) -> Path:
    """Folder where the downloaded dataset ``name`` lives (or would live) in the cache."""
    return Path(cache if cache is not None else cache_dir()) / "datasets" / name


def is_complete(name: str, cache: str | os.PathLike | None = None) -> bool:
    """Whether every file of ``name`` is in the cache (files only arrive there verified)."""
    folder = dataset_dir(name, cache)
    return all((folder / f.name).is_file() for f in spec_for(name).files)


def download(name: str, *, cache_dir: str | os.PathLike | None = None,
             base_url: str | None = None,
             progress: Callable[[int, int], None] | None = None,
             should_cancel: Callable[[], bool] | None = None) -> Path:
    """Download a dataset's files into the cache, verifying each one.

    Files already in the cache are kept (they were verified when they arrived).

    Parameters
    ----------
    name : str
        A key of ``DOWNLOADS`` (``"mnist"``, ``"fashion-mnist"``, ``"kmnist"``) or of
        ``COLOUR_DOWNLOADS`` (``"cifar-10"``).
    cache_dir : path-like, optional
        Cache root instead of :func:`cache_dir`; the files go to ``<root>/datasets/<name>/``.
    base_url : str, optional
        Fetch from this URL prefix only instead of the dataset's mirrors (tests use a local
        server on 127.0.0.1).
    progress : callable, optional
        ``progress(done_bytes, total_bytes)`` after every chunk, summed over the files still to
        fetch; ``total_bytes`` is 0 while unknown.
    should_cancel : callable, optional
        Checked between chunks; when it returns True the partial file is deleted and
        :class:`DownloadCancelled` is raised.

    Returns
    -------
    Path
        The dataset's folder in the cache.

    Raises
    ------
    ValueError
        For an unknown name. :class:`DownloadError` (a ValueError) when every mirror failed or a
        file's checksum does not match. :class:`DownloadCancelled` when cancelled.
    """
    spec = spec_for(name)
    folder = dataset_dir(name, cache_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the cache folder {folder} ({exc})") from None
    todo = [f for f in spec.files if not (folder / f.name).is_file()]
    mirrors = (base_url,) if base_url is not None else spec.mirrors
    meter = _Meter(progress, todo)
    for remote in todo:
        _fetch_from_mirrors(remote, mirrors, folder / remote.name, meter, should_cancel)
    return folder


class _Meter:
    """Bytes done and expected over all files of one download call, reported to ``progress``."""

    def __init__(self, progress: Callable[[int, int], None] | None, todo: list[RemoteFile]):
        self.progress = progress
        self.done = 0
        self.total = sum(f.size for f in todo) if all(f.size for f in todo) else 0

    def add(self, count: int) -> None:
        self.done += count
        if self.progress is not None:
            self.progress(self.done, max(self.total, self.done) if self.total else 0)


def _fetch_from_mirrors(remote: RemoteFile, mirrors: tuple[str, ...], dest: Path,
                        meter: _Meter, should_cancel: Callable[[], bool] | None) -> None:
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + remote.name
        start = meter.done
        try:
            _fetch(url, remote, dest, meter, should_cancel)
            return
        except DownloadError as exc:
            failures.append(str(exc))
            # The next mirror starts this file again: take back the bytes counted for it.
            meter.done = start
    raise DownloadError(f"could not download {remote.name}:\n  " + "\n  ".join(failures))


def _fetch(url: str, remote: RemoteFile, dest: Path, meter: _Meter,
           should_cancel: Callable[[], bool] | None) -> None:
    """Stream ``url`` into ``dest.part``, verify it, rename it to ``dest``; never leave a part."""
    # A unique name, so two downloads of the same file (two app windows) cannot interleave.
    fd, part_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    os.close(fd)
    part = Path(part_name)
    sha, md5 = hashlib.sha256(), hashlib.md5()
    received = 0
    try:
        if should_cancel is not None and should_cancel():
            raise DownloadCancelled(f"download of {remote.name} cancelled")
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response, open(part, "wb") as out:
            # read1 returns what one socket read brought (read() would wait for a whole chunk,
            # and on a slow connection the cancel checked between chunks would come too late)
            while chunk := response.read1(CHUNK):
                received += len(chunk)
                if remote.size is not None and received > remote.size:
                    raise DownloadError(f"{url}: the server sent more than the expected "
                                        f"{remote.size:,} bytes; this is not the right file")
                sha.update(chunk)
                md5.update(chunk)
                out.write(chunk)
                meter.add(len(chunk))
                if should_cancel is not None and should_cancel():
                    raise DownloadCancelled(f"download of {remote.name} cancelled")
            announced = response.headers.get("Content-Length")
            if announced is not None and announced.isdigit() and received != int(announced):
                raise DownloadError(f"{url}: the transfer failed after {received:,} of "
                                    f"{int(announced):,} bytes (the connection was closed)")
        if sha.hexdigest() != remote.sha256 or (remote.md5 and md5.hexdigest() != remote.md5):
            raise DownloadError(f"{url}: checksum mismatch (SHA-256 {sha.hexdigest()}, expected "
                                f"{remote.sha256}); the file is damaged or not the published "
                                f"one, so it was not kept")
        os.replace(part, dest)
    except (DownloadError, DownloadCancelled):
        raise
    except urllib.error.HTTPError as exc:
        raise DownloadError(f"{url}: the server answered HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise DownloadError(f"{url}: cannot connect ({exc.reason})") from None
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise DownloadError(f"{url}: the transfer failed after {received:,} bytes "
                            f"({type(exc).__name__}: {exc})") from None
    finally:
        part.unlink(missing_ok=True)
