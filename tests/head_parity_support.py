"""Shared set-up of the head parity tests (tests/test_rtmcc_head.py, tests/test_simcc_head.py): a head of
ours and mmpose's built from the same kwargs with the same random weights, random features, and
PoseDataSamples with SimCC labels from mmpose's codec. No tests of its own."""
import copy
from typing import Dict, List, Tuple

import numpy as np
import torch
from mmengine.structures import InstanceData
from mmpose.codecs import SimCCLabel as MMSimCCLabel
from mmpose.structures import PoseDataSample

COCO_FLIP = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def pair_configs(base: Dict, variant: Dict) -> Tuple[Dict, Dict]:
    """(ours, mmpose's) head kwargs: ``base`` updated by ``variant``; mmpose's nested loss and decoder
    are pinned to mmpose's classes (the registry would otherwise pick ours in our scope)."""
    cfg = dict(copy.deepcopy(base), **copy.deepcopy(variant))
    ref = copy.deepcopy(cfg)
    ref['loss']['type'] = 'mmpose.KLDiscretLoss'
    ref['decoder']['type'] = 'mmpose.SimCCLabel'
    return cfg, ref


def randomize(module: torch.nn.Module, seed: int) -> None:
    """Random weights, biases and BatchNorm statistics (eval-mode BN is then not the identity)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, t in module.state_dict().items():
            if name.endswith('num_batches_tracked'):
                continue
            if name.endswith('running_var'):
                t.copy_(torch.rand(t.shape, generator=g) + 0.5)
            elif t.ndim > 1:
                t.copy_(torch.randn(t.shape, generator=g) / max(1, t[0].numel())**0.5)
            else:
                t.copy_(torch.randn(t.shape, generator=g) * 0.3 + (1.0 if 'weight' in name else 0.0))


def build_pair(ours_cls, ref_cls, cfg: Dict, ref_cfg: Dict, seed: int = 0):
    """(ours, mmpose's) in eval mode: mmpose's randomized by ``seed``, ours loading its state dict
    strictly."""
    ref = ref_cls(**ref_cfg)
    randomize(ref, seed)
    ours = ours_cls(**cfg)
    ours.load_state_dict(ref.state_dict(), strict=True)
    return ours.eval(), ref.eval()


def random_feats(cfg: Dict, batch: int = 2, seed: int = 0) -> Tuple[torch.Tensor]:
    """One feature level (batch, in_channels, H, W) of the head's ``in_featuremap_size`` (W, H)."""
    g = torch.Generator().manual_seed(seed)
    w, h = cfg['in_featuremap_size']
    return (torch.randn(batch, cfg['in_channels'], h, w, generator=g), )


def simcc_data_samples(codec_cfg: Dict, batch: int, seed: int = 0) -> List[PoseDataSample]:
    """PoseDataSamples of one person each: random keypoints in the input (~20 % invisible) encoded by
    mmpose's SimCCLabel, and the metainfo that the pipeline would add."""
    rng = np.random.default_rng(seed)
    codec = MMSimCCLabel(**{k: v for k, v in codec_cfg.items() if k != 'type'})
    w, h = codec_cfg['input_size']
    samples = []
    for _ in range(batch):
        keypoints = rng.uniform([0, 0], (w, h), size=(1, 17, 2)).astype(np.float32)
        visible = (rng.uniform(size=(1, 17)) > 0.2).astype(np.float32)
        enc = codec.encode(keypoints, visible)
        ds = PoseDataSample(metainfo=dict(flip_indices=COCO_FLIP,
                                          input_size=(w, h),
                                          input_center=np.array([w / 2, h / 2], dtype=np.float32),
                                          input_scale=np.array([w, h], dtype=np.float32),
                                          img_shape=(h, w)))
        ds.gt_instance_labels = InstanceData(
            keypoint_x_labels=torch.from_numpy(enc['keypoint_x_labels']).float(),
            keypoint_y_labels=torch.from_numpy(enc['keypoint_y_labels']).float(),
            keypoint_weights=torch.from_numpy(enc['keypoint_weights']).float())
        samples.append(ds)
    return samples
