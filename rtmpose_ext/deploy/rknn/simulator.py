"""An RKNN model in rknn-toolkit2's PC simulator, as an engine for evaluation.

The simulator runs only a model built in the same process, so :class:`RKNNSimulatorEngine` starts the
conversion job of the model directory (``rknn_job.json``, written by the conversion) with ``--serve``:
the toolkit environment rebuilds the model (same ONNX, config and calibration list, without exporting
again) and answers inference requests over pipes (:func:`.job.serve`).

The engine takes what the other engines take, normalised (N, 3, H, W) float32 crops, and turns them back
into the uint8 (N, H, W, 3) crops the RKNN model normalises itself (``x * std + mean``, rounded: exact
for crops that were uint8 images).
"""
import io
import json
import os.path as osp
import struct

import numpy as np

from .toolkit import start_server, toolkit_python

JOB_FILE = 'rknn_job.json'


def _read_exact(stream, n: int) -> bytes:
    data = stream.read(n)
    if len(data) != n:
        raise RuntimeError('RKNN simulator: the toolkit process ended (its log: rknn_simulator.log)')
    return data


class RKNNSimulatorEngine:
    """RKNN model of ``work_dir`` in the PC simulator.

    Args:
        work_dir (str): The conversion's output folder (``rknn_job.json`` and the files it names).
        python (str, optional): The toolkit environment's interpreter (default: :mod:`.toolkit`'s).
    """
    dynamic_batch = True

    def __init__(self, work_dir: str, python: str = None):
        job_file = osp.join(work_dir, JOB_FILE)
        if not osp.isfile(job_file):
            raise FileNotFoundError(f'{work_dir!r}: {JOB_FILE} is missing (written by the RKNN conversion, '
                                    '`python -m rtmpose_ext.deploy` with an RKNN config)')
        python = toolkit_python(python)
        if python is None:
            raise RuntimeError('RKNN simulator: no rknn-toolkit2 environment; run `make setup-rknn`')
        with open(job_file) as f:
            job = json.load(f)
        self.precision = 'int8' if job['do_quantization'] else 'f16'
        self.precision_detail = 'rknn-toolkit2 PC simulator, ' + (
            f'int8 (w8a8), float16 from {job["float_from"]}' if job.get('float_from') else
            'int8 (w8a8)' if job['do_quantization'] else job['config'].get('float_dtype', 'float16'))
        self.mean = np.asarray(job['compare']['mean'], np.float32)
        self.std = np.asarray(job['compare']['std'], np.float32)
        serve_job = osp.join(work_dir, 'rknn_serve_job.json')
        with open(serve_job, 'w') as f:
            json.dump(dict(job, output=None), f, indent=2)     # rebuild only, no second export
        self.process = start_server(python, serve_job, osp.join(work_dir, 'rknn_simulator.log'))

    def to_uint8(self, inputs: np.ndarray) -> np.ndarray:
        """(N, 3, H, W) normalised float32 -> (N, H, W, 3) uint8 in the same channel order."""
        x = inputs.transpose(0, 2, 3, 1) * self.std + self.mean
        return np.clip(np.rint(x), 0, 255).astype(np.uint8)

    def __call__(self, inputs: np.ndarray) -> list:
        if inputs.ndim != 4 or inputs.shape[1] != 3:
            raise ValueError(f'RKNNSimulatorEngine: expected inputs (N, 3, H, W), got {inputs.shape}')
        buffer = io.BytesIO()
        np.save(buffer, self.to_uint8(inputs))
        self.process.stdin.write(struct.pack('<Q', buffer.tell()) + buffer.getvalue())
        self.process.stdin.flush()
        (size,) = struct.unpack('<Q', _read_exact(self.process.stdout, 8))
        outputs = np.load(io.BytesIO(_read_exact(self.process.stdout, size)))
        return [outputs[f'out{i}'] for i in range(len(outputs.files))]

    def close(self) -> None:
        """End the toolkit process (a zero-length request)."""
        if self.process.poll() is None:
            self.process.stdin.write(struct.pack('<Q', 0))
            self.process.stdin.close()
            self.process.wait(timeout=60)

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001  (interpreter shutdown)
            pass
