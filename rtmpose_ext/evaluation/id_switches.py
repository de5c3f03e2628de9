"""Identity switches (CLEAR MOT's IDSW): an annotated person matched to a different predicted id than at
their last match."""
from typing import Dict, List, Sequence


def count_id_switches(matches: List[Dict[int, int]], predictions: Sequence[dict]) -> int:
    """IDSW of a clip from :func:`~.matching.match_frames`' ``matches`` and the predictions' track ids."""
    last: Dict[int, int] = {}
    switches = 0
    for frame_matches, pred in zip(matches, predictions):
        ids = list(pred['track_ids'])
        for gt_id, index in frame_matches.items():
            pred_id = int(ids[index])
            if gt_id in last and last[gt_id] != pred_id:
                switches += 1
            last[gt_id] = pred_id
    return switches
