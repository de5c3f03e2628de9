"""``python -m rtmpose_ext.deploy.detect WORK_DIR ANN_FILE IMG_DIR --out DETS.json``

Run an exported person detector (:class:`~rtmpose_ext.deploy.runtime.PersonDetector`) over every picture
of a COCO annotation file and write the boxes as a COCO detection results json (``image_id``,
``category_id`` of 'person', ``bbox`` x, y, w, h in pixels, ``score``): the file mmpose's
``CocoDataset`` reads as ``bbox_file`` to evaluate a pose model on detected people. Where the annotation
file has person boxes, COCO's bbox metric of the detections is printed (pycocotools). The detections are
the runtime's (numpy, OpenCV and the backend), as an application would get them.

Example (pose AP on the detector's boxes):

    python -m rtmpose_ext.deploy.detect work_dirs/rtmdet_ort data/synthetic_easy/annotations/\\
person_keypoints_val.json data/synthetic_easy/images/val --out work_dirs/val_dets.json
    mim test rtmpose_ext configs/demo/rtmpose-t_synthetic.py --checkpoint POSE.pth \\
        --cfg-options test_dataloader.dataset.bbox_file=work_dirs/val_dets.json
"""
import argparse
import json
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional, Tuple

BBOX_METRICS = ('AP', 'AP50', 'AP75', 'AP_small', 'AP_medium', 'AP_large', 'AR1', 'AR10', 'AR100')


def person_category(coco) -> int:
    """The category id named 'person' in a pycocotools ``COCO`` index."""
    ids = coco.getCatIds(catNms=['person'])
    if len(ids) != 1:
        raise ValueError(f'ANN_FILE: expected one category named "person", found {coco.loadCats(ids)}')
    return ids[0]


def detect_all(detector, coco, img_dir: str) -> Tuple[List[dict], float]:
    """COCO detection results of ``detector`` over the pictures of ``coco`` (read from ``img_dir``) and
    the mean time of a detector call (s)."""
    import cv2
    category = person_category(coco)
    results, seconds = [], 0.
    for image_id in sorted(coco.getImgIds()):
        path = osp.join(img_dir, coco.loadImgs(image_id)[0]['file_name'])
        image = cv2.imread(path)
        if image is None:
            raise FileNotFoundError(f'IMG_DIR: cannot read {path!r}')
        start = time.perf_counter()
        boxes, scores = detector(image)
        seconds += time.perf_counter() - start
        for (x1, y1, x2, y2), score in zip(boxes.tolist(), scores.tolist()):
            results.append(dict(image_id=image_id, category_id=category, score=round(score, 5),
                                bbox=[round(x1, 2), round(y1, 2), round(x2 - x1, 2), round(y2 - y1, 2)]))
    return results, seconds / max(1, len(coco.getImgIds()))


def bbox_metrics(coco, results: List[dict]) -> Optional[Dict[str, float]]:
    """COCO's bbox metric (pycocotools ``COCOeval``) of ``results`` on the person boxes of ``coco``; None
    if there are no boxes to compare with."""
    from pycocotools.cocoeval import COCOeval
    if not coco.getAnnIds(catIds=[person_category(coco)]):
        return None
    if not results:
        return {name: 0. for name in BBOX_METRICS}
    evaluator = COCOeval(coco, coco.loadRes(results), 'bbox')
    evaluator.params.catIds = [person_category(coco)]
    evaluator.evaluate()
    evaluator.accumulate()
    evaluator.summarize()
    return {name: float(v) for name, v in zip(BBOX_METRICS, evaluator.stats)}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m rtmpose_ext.deploy.detect', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('work_dir', help='exported detector directory (python -m rtmpose_ext.deploy ...)')
    parser.add_argument('ann_file', help='COCO annotation file of the pictures (person_keypoints_*.json)')
    parser.add_argument('img_dir', help='folder of the pictures (file_name of the annotation file)')
    parser.add_argument('--out', required=True, help='COCO detection results json to write')
    parser.add_argument('--score-thr', type=float, default=None,
                        help="score threshold (default: the model's)")
    parser.add_argument('--num-threads', type=int, default=None, help='CPU threads of the backend')
    parser.add_argument('--precision-hint', default=None, help="OpenVINO's inference precision, e.g. 'f32'")
    parser.add_argument('--metrics-out', default=None, help='also write the bbox metrics as JSON here')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from pycocotools.coco import COCO

    from .runtime import PersonDetector
    for name, path in (('ANN_FILE', args.ann_file), ('IMG_DIR', args.img_dir)):
        if not osp.exists(path):
            print(f'error: {name}: no such file or folder: {path!r}', file=sys.stderr)
            return 2
    options = {'precision_hint': args.precision_hint} if args.precision_hint else {}
    try:
        detector = PersonDetector(args.work_dir, score_thr=args.score_thr, num_threads=args.num_threads,
                                  **options)
        coco = COCO(args.ann_file)
        results, seconds = detect_all(detector, coco, args.img_dir)
    except (ValueError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        json.dump(results, f)
    print(f'{len(results)} boxes on {len(coco.getImgIds())} pictures -> {args.out} '
          f'({seconds * 1e3:.1f} ms a picture, whole call)')
    metrics = bbox_metrics(coco, results)
    if metrics is not None:
        print('bbox ' + '  '.join(f'{k} {v:.3f}' for k, v in metrics.items()))
        if args.metrics_out:
            with open(args.metrics_out, 'w') as f:
                json.dump(dict(metrics, ms_per_picture=seconds * 1e3, boxes=len(results)), f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
