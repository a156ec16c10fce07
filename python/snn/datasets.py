"""MNIST-format datasets read by snn's C++ IDX reader (gzipped or raw files).

``FashionMNIST()`` finds Debian's copy in /usr/share/datasets/fashion-mnist (package
dataset-fashion-mnist) by default; ``MNIST(root, download=True)`` fetches the digits from the
canonical mirrors. Images are uint8 tensors [N, 28, 28], labels int64 [N].
"""
import os
import shutil
import urllib.request
from typing import Optional, Tuple

import torch

from . import _snn

_SPLITS = {True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
           False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}


class MNIST:
    """The MNIST digits (LeCun et al.), 60000 training and 10000 test images of 28 x 28 pixels.

    Args:
        root: folder with the four IDX files (names as distributed, ``.gz`` or not).
        train: the training split (else the test split).
        download: fetch missing files from the mirrors into ``root`` first.
    """

    mirrors = ["https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/"]
    classes = [str(d) for d in range(10)]
    default_root: Optional[str] = None

    def __init__(self, root: Optional[str] = None, train: bool = True, download: bool = False):
        root = root or self.default_root
        if root is None:
            raise ValueError(f"{type(self).__name__}: give the folder of the IDX files as root=")
        self.root, self.train = root, train
        if download:
            self.download()
        images, labels = (self._find(name) for name in _SPLITS[train])
        self.images, self.labels = _snn.read_images_and_labels(images, labels)

    def _find(self, name: str) -> str:
        for candidate in (name, name + ".gz"):
            path = os.path.join(self.root, candidate)
            if os.path.exists(path):
                return path
        hint = self._missing_hint()
        raise FileNotFoundError(f"{type(self).__name__}: no {name}[.gz] in {self.root}; {hint}")

    def _missing_hint(self) -> str:
        return "pass download=True to fetch it"

    def download(self) -> None:
        """Fetches the missing files from the mirrors (first one that answers)."""
        os.makedirs(self.root, exist_ok=True)
        for split in _SPLITS.values():
            for name in split:
                target = os.path.join(self.root, name + ".gz")
                if os.path.exists(target) or os.path.exists(os.path.join(self.root, name)):
                    continue
                errors = []
                for mirror in self.mirrors:
                    try:
                        with urllib.request.urlopen(mirror + name + ".gz", timeout=60) as response, \
                                open(target + ".part", "wb") as out:
                            shutil.copyfileobj(response, out)
                        os.replace(target + ".part", target)
                        break
                    except OSError as e:
                        errors.append(f"{mirror}: {e}")
                else:
                    raise RuntimeError(f"could not download {name}.gz: " + "; ".join(errors))

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
    classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    default_root = "/usr/share/datasets/fashion-mnist"

    def _missing_hint(self) -> str:
        return "install Debian's dataset-fashion-mnist (docker/install-deps.sh does) or pass download=True"


def read_idx(path: str) -> torch.Tensor:
    """The values of an IDX file (gzipped or raw) as a uint8 tensor of the file's shape."""
    return _snn.read_idx(path)


def write_idx(path: str, data: torch.Tensor, gzip: bool = False) -> None:
    """Writes a uint8 tensor as an IDX file (gzip-compressed with gzip=True)."""
    _snn.write_idx(path, data, gzip)
