"""All measures of a tracking run over annotated clips at once: per-frame keypoint AP, jitter, id switches."""
from typing import Sequence, Tuple

import numpy as np

from .clip_truth import ClipTruth
from .frame_ap import frame_keypoint_ap
from .id_switches import count_id_switches
from .jitter import keypoint_jitter
from .matching import match_frames


def tracking_report(clips: Sequence[Tuple[ClipTruth, Sequence[dict]]], with_ids: bool = True) -> dict:
    """AP, AP50, AP75, AR over all frames; jitter (px / frame^2, weighted by samples), its predicted and
    annotated accelerations; id switches (summed; None when ``with_ids`` is False, for a method without
    track ids)."""
    report = frame_keypoint_ap(clips)
    jitters, switches = [], 0
    for truth, predictions in clips:
        matches = match_frames(truth, predictions)
        jitters.append(keypoint_jitter(truth, matches, predictions))
        if with_ids:
            switches += count_id_switches(matches, predictions)
    samples = sum(j['samples'] for j in jitters)
    for key in ('jitter', 'pred_acceleration', 'gt_acceleration'):
        report[key] = float(sum(j[key] * j['samples'] for j in jitters if j['samples']) / samples) \
            if samples else float('nan')
    report['jitter_samples'] = samples
    report['id_switches'] = switches if with_ids else None
    return report
