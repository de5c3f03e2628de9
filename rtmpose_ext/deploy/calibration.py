"""Calibration crops for int8 quantization: person crops of the model config's training split.

Post-training quantization (ONNX Runtime QDQ, OpenVINO NNCF, RKNN w8a8) measures the activation ranges on
inputs like the ones the model will see. :func:`calibration_crops` takes people of the *training* split of
the model config (``train_dataloader.dataset``: its annotation file, image folder and data root), crops
them with the config's *test* pipeline (box -> center/scale with padding, affine crop to the input size:
what inference does) and returns the uint8 crops; :func:`normalize_crops` applies the model's data
preprocessor (BGR -> RGB, mean/std) for backends that take the normalised tensor.

The deploy config selects them with ``backend_config.quantization_config.calibration``::

    calibration=dict(num_samples=256,   # crops (people sampled without repetition; all if fewer)
                     seed=0)            # which people
"""
import copy
from typing import Dict, Optional

import numpy as np
from mmengine.config import Config

from .configs import DeployConfigError

DEFAULT_CALIBRATION = dict(num_samples=256, seed=0)


def calibration_settings(quant_cfg: Optional[Dict]) -> Dict:
    """``quantization_config.calibration`` merged over :data:`DEFAULT_CALIBRATION`, checked."""
    settings = dict(DEFAULT_CALIBRATION, **((quant_cfg or {}).get('calibration') or {}))
    num, seed = settings['num_samples'], settings['seed']
    if not isinstance(num, int) or num < 1:
        raise DeployConfigError('backend_config.quantization_config.calibration.num_samples: expected an '
                                f'integer >= 1, got {num!r}')
    if not isinstance(seed, int):
        raise DeployConfigError('backend_config.quantization_config.calibration.seed: expected an integer, '
                                f'got {seed!r}')
    return settings


def _split_dataset(model_cfg: Config, split: str):
    """The dataset of the model config's ``split`` ('train' or 'test') with its test pipeline (no
    augmentation) and ground-truth boxes."""
    from mmengine.registry import DATASETS

    from .scope import ensure_default_scope
    loader = f'{split}_dataloader'
    if loader not in model_cfg:
        raise DeployConfigError(f'model config: `{loader}` is missing; the crops come from its dataset')
    cfg = copy.deepcopy(model_cfg[loader].dataset)
    cfg.pipeline = copy.deepcopy(model_cfg.test_dataloader.dataset.pipeline)
    cfg.pop('bbox_file', None)      # ground-truth boxes
    cfg.test_mode = True
    ensure_default_scope(model_cfg.get('default_scope', 'mmpose'))
    return DATASETS.build(cfg)


def calibration_crops(model_cfg: Config, num_samples: int = 256, seed: int = 0,
                      split: str = 'train') -> np.ndarray:
    """``num_samples`` person crops of the training split (fewer if the split has fewer people); with
    ``split='test'`` of the test split (for comparisons on held-out crops).

    Args:
        model_cfg (Config): Model config (``train_dataloader.dataset``, ``test_dataloader``'s pipeline).
        num_samples (int): Crops to take; people are drawn without repetition.
        seed (int): Seed of the draw.
        split (str): 'train' (``train_dataloader``) or 'test' (``test_dataloader``).

    Returns:
        np.ndarray: (N, H, W, 3) uint8 crops in the image's channel order (BGR, as mmpose loads them),
        H x W the model's input size.
    """
    dataset = _split_dataset(model_cfg, split)
    if len(dataset) == 0:
        root = model_cfg[f'{split}_dataloader'].dataset.get('data_root')
        raise DeployConfigError(f'model config: the {split} split has no people to crop (data_root '
                                f'{root!r})')
    order = np.random.default_rng(seed).permutation(len(dataset))[:num_samples]
    crops = [dataset[int(i)]['inputs'].numpy().transpose(1, 2, 0) for i in sorted(order)]
    return np.ascontiguousarray(np.stack(crops).astype(np.uint8))


def model_channel_order(crops: np.ndarray, model_cfg: Config) -> np.ndarray:
    """(N, H, W, 3) BGR crops in the channel order the network takes (RGB if ``bgr_to_rgb``)."""
    flip = model_cfg.model.data_preprocessor.get('bgr_to_rgb', False)
    return np.ascontiguousarray(crops[..., ::-1]) if flip else crops


def normalize_crops(crops: np.ndarray, model_cfg: Config) -> np.ndarray:
    """(N, H, W, 3) uint8 BGR crops -> (N, 3, H, W) float32 network inputs, as the model's data
    preprocessor makes them (channel flip if ``bgr_to_rgb``, then ``(x - mean) / std``)."""
    preprocessor = model_cfg.model.data_preprocessor
    x = model_channel_order(crops, model_cfg)
    mean = np.asarray(preprocessor.mean, np.float32)
    std = np.asarray(preprocessor.std, np.float32)
    x = (x.astype(np.float32) - mean) / std
    return np.ascontiguousarray(x.transpose(0, 3, 1, 2))
