"""What the runtime needs to know about an exported model, read from the SDK description files.

A conversion (``python -m rtmpose_ext.deploy``) writes ``deploy.json`` (backend, net and weight files,
precision), ``pipeline.json`` (preprocessing and decoding parameters) and ``detail.json`` (the ONNX input
and output names, and the task: ``codebase.task``); :meth:`ModelInfo.from_work_dir` reads the three of a
pose model, :func:`read_sdk_files` those of any task after checking it.
"""
import json
import os.path as osp
from dataclasses import dataclass
from typing import List, Tuple

import numpy as np


# the runtime class of each task of ``detail.json`` (``codebase.task``)
RUNTIME_CLASSES = {'PoseDetection': 'PoseEstimator', 'ObjectDetection': 'PersonDetector'}


def _load_json(work_dir: str, name: str) -> dict:
    path = osp.join(work_dir, name)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{work_dir!r} is not an exported model directory: {name} is missing '
                                '(written by `python -m rtmpose_ext.deploy`)')
    with open(path) as f:
        return json.load(f)


def read_sdk_files(work_dir: str, task: str) -> Tuple[dict, dict, dict]:
    """``deploy.json``, ``pipeline.json`` and ``detail.json`` of ``work_dir``, after checking that the
    directory holds a model of ``task`` ('PoseDetection', 'ObjectDetection'; ``detail.json``'s
    ``codebase.task``)."""
    deploy = _load_json(work_dir, 'deploy.json')
    pipeline = _load_json(work_dir, 'pipeline.json')
    detail = _load_json(work_dir, 'detail.json')
    found = (detail.get('codebase') or {}).get('task')
    if found != task:
        other = RUNTIME_CLASSES.get(found)
        hint = f'; load it with {other}' if other else ''
        raise ValueError(f'{work_dir!r} holds a model of task {found!r} (detail.json: codebase.task); '
                         f'{RUNTIME_CLASSES[task]} needs a {task!r} model{hint}')
    return deploy, pipeline, detail


def pipeline_tasks(pipeline: dict) -> dict:
    """The tasks of ``pipeline.json`` by name ('Preprocess', 'postprocess', ...)."""
    return {t.get('name'): t for t in pipeline['pipeline']['tasks']}


def _transform(transforms: List[dict], kind: str) -> dict:
    for t in transforms:
        if t.get('type') == kind:
            return t
    raise ValueError(f'pipeline.json: the preprocessing has no {kind!r} transform')


@dataclass
class NetworkInfo:
    """The network of an exported model directory (what the engines read).

    Attributes:
        work_dir (str): The model directory.
        net (str): Path of the network file (``.onnx``, ``.xml`` or ``.param``).
        weights (str): Path of the weight file (``.bin``) or '' when the net holds them.
        precision (str): 'FP32', 'FP16', 'BF16' or 'INT8' as in deploy.json (the deploy config's).
        input_name (str): Name of the network input.
        output_names (list[str]): Names of the outputs, in the order the engines return them.
    """
    work_dir: str
    net: str
    weights: str
    precision: str
    input_name: str
    output_names: List[str]

    @staticmethod
    def fields(work_dir: str, deploy: dict, detail: dict) -> dict:
        """The attributes above from ``deploy.json`` and ``detail.json`` of ``work_dir``."""
        model, onnx_cfg = deploy['models'][0], detail['onnx_config']
        net = osp.join(work_dir, model['net'])
        if not osp.isfile(net):
            raise FileNotFoundError(f'deploy.json names the network file {model["net"]!r}, not found in '
                                    f'{work_dir!r}')
        return dict(work_dir=work_dir, net=net,
                    weights=osp.join(work_dir, model['weights']) if model.get('weights') else '',
                    precision=str(model.get('precision', 'FP32')).upper(),
                    input_name=onnx_cfg['input_names'][0], output_names=list(onnx_cfg['output_names']))

    @classmethod
    def network_of(cls, work_dir: str) -> 'NetworkInfo':
        """The network of a model directory of any task (what an engine needs; no task check)."""
        return cls(**cls.fields(work_dir, _load_json(work_dir, 'deploy.json'),
                                _load_json(work_dir, 'detail.json')))


@dataclass
class ModelInfo(NetworkInfo):
    """Preprocessing, decoding and file information of an exported SimCC pose model.

    Attributes (besides :class:`NetworkInfo`'s; ``output_names``: logits x/y, or keypoints/scores):
        input_size (tuple[int, int]): Network input (w, h) in pixels.
        padding (float): Box padding factor (the box is enlarged by it before the crop).
        mean, std (np.ndarray): (3, ) float32 normalisation, in the channel order fed to the network.
        to_rgb (bool): Whether BGR images are converted to RGB before normalising.
        split_ratio (float): SimCC bins per input pixel.
        export_postprocess (bool): Whether the network outputs decoded keypoints and scores.
    """
    input_size: Tuple[int, int]
    padding: float
    mean: np.ndarray
    std: np.ndarray
    to_rgb: bool
    split_ratio: float
    export_postprocess: bool

    @classmethod
    def from_work_dir(cls, work_dir: str) -> 'ModelInfo':
        """Read ``deploy.json``, ``pipeline.json`` and ``detail.json`` of ``work_dir``."""
        deploy, pipeline, detail = read_sdk_files(work_dir, 'PoseDetection')
        tasks = pipeline_tasks(pipeline)
        transforms = tasks['Preprocess']['transforms']
        params = tasks['postprocess']['params']
        if params.get('use_dark', False):
            raise ValueError('pipeline.json: use_dark=True (DARK refinement) is not implemented by the '
                             'runtime; export a model whose codec has use_dark=False')
        normalize = _transform(transforms, 'Normalize')
        return cls(
            **NetworkInfo.fields(work_dir, deploy, detail),
            input_size=tuple(int(v) for v in _transform(transforms, 'TopDownAffine')['image_size']),
            padding=float(_transform(transforms, 'TopDownGetBboxCenterScale').get('padding', 1.25)),
            mean=np.asarray(normalize['mean'], np.float32),
            std=np.asarray(normalize['std'], np.float32),
            to_rgb=bool(normalize.get('to_rgb', False)),
            split_ratio=float(params['simcc_split_ratio']),
            export_postprocess=bool(params.get('export_postprocess', False)))
