"""``CachedLoadImage``: mmpose's ``LoadImage`` keeping the decoded pictures of a small dataset in memory."""
from collections import OrderedDict
from typing import Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform

from rtmpose_ext.registry import TRANSFORMS

from ._checks import is_real


@TRANSFORMS.register_module()
class CachedLoadImage(BaseTransform):
    """Load ``results['img_path']`` as mmpose's ``LoadImage`` does (uint8, BGR for ``color_type='color'``),
    keeping up to ``max_megabytes`` of decoded pictures in memory, least recently used dropped first.

    A top-down dataset reads each picture once per person in it, every epoch: on a CPU, reading and
    decoding a 320x256 JPEG is ~0.6 ms of the ~3 ms the demo's pipeline spends on a crop. The cache is
    per process (each dataloader worker has its own), so it suits small datasets such as the synthetic
    demo split (1500 pictures, 370 MB decoded), not COCO. Each call returns a copy: later transforms
    may change the picture in place without touching the cache.

    Required Keys:

    - img_path (str); or img (np.ndarray), which is then used as it is (like ``LoadImage``)

    Modified Keys:

    - img (np.ndarray (H, W, 3) uint8), img_shape, ori_shape

    Args:
        max_megabytes (float): memory for decoded pictures, in MB (2**20 bytes), >= 0; 0 disables the
            cache. Defaults to 1024.
        color_type (str): ``mmcv.imfrombytes``' flag. Defaults to ``'color'``.
        imdecode_backend (str): ``mmcv.imfrombytes``' backend. Defaults to ``'cv2'``.
        backend_args (dict, optional): mmengine file backend arguments. Defaults to None.
    """

    def __init__(self,
                 max_megabytes: float = 1024,
                 color_type: str = 'color',
                 imdecode_backend: str = 'cv2',
                 backend_args: Optional[dict] = None) -> None:
        if not is_real(max_megabytes) or not max_megabytes >= 0:
            raise ValueError(f'CachedLoadImage: max_megabytes must be a number >= 0, got {max_megabytes!r}')
        self.max_bytes = int(max_megabytes * 2**20)
        self.color_type = color_type
        self.imdecode_backend = imdecode_backend
        self.backend_args = backend_args
        self._cache: 'OrderedDict[str, np.ndarray]' = OrderedDict()
        self._bytes = 0

    def _decode(self, path: str) -> np.ndarray:
        img = mmcv.imfrombytes(fileio.get(path, backend_args=self.backend_args), flag=self.color_type,
                               backend=self.imdecode_backend)
        if img is None:
            raise ValueError(f'CachedLoadImage: {path} is not a picture {self.imdecode_backend} can decode')
        return img

    def _lookup(self, path: str) -> np.ndarray:
        """The decoded picture at ``path``, from the cache if there (then marked recently used)."""
        img = self._cache.get(path)
        if img is not None:
            self._cache.move_to_end(path)
            return img
        img = self._decode(path)
        if img.nbytes <= self.max_bytes:
            self._cache[path] = img
            self._bytes += img.nbytes
            while self._bytes > self.max_bytes:
                self._bytes -= self._cache.popitem(last=False)[1].nbytes
        return img

    def transform(self, results: dict) -> dict:
        if results.get('img') is None:
            if 'img_path' not in results:
                raise KeyError('CachedLoadImage: the sample has neither img_path nor img')
            results['img'] = self._lookup(results['img_path']).copy()
        results['img_shape'] = results['ori_shape'] = results['img'].shape[:2]
        return results

    @property
    def cached_megabytes(self) -> float:
        """Decoded pictures held now, in MB."""
        return self._bytes / 2**20

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(max_megabytes={self.max_bytes / 2**20:g}, '
                f'color_type={self.color_type!r}, imdecode_backend={self.imdecode_backend!r}, '
                f'backend_args={self.backend_args!r})')
