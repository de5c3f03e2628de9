"""ncnn: ``.param`` + ``.bin``, static (batch 1, ``onnx_config.input_shape``), by one of two converters
(``backend_config.converter``):

- ``'pnnx'`` (default): ncnn's current converter, a pip package. It reads standard ONNX, so the model is
  exported with MMDeploy's backend-independent rewriters (ours included: the overflow-safe ScaleNorm);
  pnnx handles split/unbind and broadcasting itself. Its blobs ``in0``, ``out0``, ... are renamed to
  ``onnx_config``'s input and output names, as in MMDeploy's ncnn models.
- ``'mmdeploy_onnx2ncnn'``: MMDeploy's converter from its C++ build (not in the pip package). The model
  is exported with MMDeploy's ncnn rewriters, which target that converter (Gemm on 3-D inputs, its custom
  ``mmdeploy::AdaptiveAvgPool2d``, static shapes) and with our ncnn forms of the GAU, ScaleNorm and Scale
  (no split/unbind, explicit broadcasts; :mod:`rtmpose_ext.deploy.rewriters.rtmcc_block`).

``backend_config.precision``: ``'FP32'``, ``'FP16'`` or ``'BF16'``; with pnnx, FP16 stores float16 weights.
The runtime sets every one of ncnn's reduced-precision switches from it (ncnn's own defaults turn float16
storage and arithmetic on): FP32 all off, FP16 float16 storage and arithmetic (arithmetic where the CPU has
it), BF16 bfloat16 storage with float32 weights.
"""
import os
import os.path as osp
import shutil
import subprocess
import tempfile
from typing import Dict, List

from mmengine.config import Config

from ..configs import DeployConfigError
from ..precision import check_precision
from .base import BackendConverter, MissingToolkitError, register_converter, require

PRECISIONS = ('FP32', 'FP16', 'BF16')
CONVERTERS = ('pnnx', 'mmdeploy_onnx2ncnn')


def rename_blobs(param_file: str, mapping: Dict[str, str]) -> None:
    """Rename blobs in an ncnn ``.param`` file (the input and output columns of each layer line)."""
    with open(param_file) as f:
        lines = f.read().splitlines()
    out = lines[:2]
    for line in lines[2:]:
        tokens = line.split()
        if len(tokens) >= 4:
            n_in, n_out = int(tokens[2]), int(tokens[3])
            blobs = slice(4, 4 + n_in + n_out)
            tokens[blobs] = [mapping.get(t, t) for t in tokens[blobs]]
            line = ' '.join(tokens)
        out.append(line)
    with open(param_file, 'w') as f:
        f.write('\n'.join(out) + '\n')


def pnnx_convert(onnx_file: str, prefix: str, input_shape: List[int], fp16: bool,
                 names: Dict[str, str]) -> List[str]:
    """Run pnnx on ``onnx_file`` (static ``input_shape`` NCHW) in a temporary folder and write
    ``prefix.param`` / ``prefix.bin`` with the blobs renamed by ``names``."""
    import pnnx
    shape = ','.join(str(int(v)) for v in input_shape)
    with tempfile.TemporaryDirectory(prefix='pnnx_') as tmp:
        shutil.copy(onnx_file, osp.join(tmp, 'model.onnx'))
        proc = subprocess.run([pnnx.EXEC_PATH, 'model.onnx', f'inputshape=[{shape}]', f'fp16={int(fp16)}',
                               'ncnnparam=model.param', 'ncnnbin=model.bin'],
                              cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0 or not osp.isfile(osp.join(tmp, 'model.param')):
            raise RuntimeError(f'pnnx failed (exit {proc.returncode}):\n{proc.stdout[-3000:]}')
        rename_blobs(osp.join(tmp, 'model.param'), names)
        shutil.move(osp.join(tmp, 'model.param'), prefix + '.param')
        shutil.move(osp.join(tmp, 'model.bin'), prefix + '.bin')
    os.chmod(prefix + '.param', 0o644)
    return [prefix + '.param', prefix + '.bin']


@register_converter
class NCNNConverter(BackendConverter):
    name = 'ncnn'

    def check(self, deploy_cfg: Config) -> None:
        onnx_cfg, backend_cfg = deploy_cfg.onnx_config, deploy_cfg.backend_config
        if not onnx_cfg.get('input_shape'):
            raise DeployConfigError('onnx_config.input_shape: ncnn models are static; set [w, h] '
                                    '(e.g. [192, 256])')
        if onnx_cfg.get('dynamic_axes'):
            raise DeployConfigError('onnx_config.dynamic_axes: ncnn models are static; remove the dynamic '
                                    'axes')
        check_precision(deploy_cfg, self.name, PRECISIONS)
        if backend_cfg.get('converter', 'pnnx') not in CONVERTERS:
            raise DeployConfigError(f'backend_config.converter: expected one of {CONVERTERS}, got '
                                    f'{backend_cfg.get("converter")!r}')

    def export_backend(self, deploy_cfg: Config) -> str:
        converter = deploy_cfg.backend_config.get('converter', 'pnnx')
        return 'ncnn' if converter == 'mmdeploy_onnx2ncnn' else 'default'

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        backend_cfg, onnx_cfg = deploy_cfg.backend_config, deploy_cfg.onnx_config
        prefix = self.output_prefix(onnx_file, work_dir)
        if backend_cfg.get('converter', 'pnnx') == 'mmdeploy_onnx2ncnn':
            from mmdeploy.backend.ncnn.init_plugins import get_onnx2ncnn_path
            if not get_onnx2ncnn_path():
                raise MissingToolkitError(self.name, 'mmdeploy_onnx2ncnn',
                                          " (MMDeploy's converter, built from its C++ sources)")
            from mmdeploy.backend.ncnn.onnx2ncnn import from_onnx
            from_onnx(onnx_file, prefix)
            return [prefix + '.param', prefix + '.bin']
        require(self.name, 'pnnx', 'pnnx')
        w, h = onnx_cfg.input_shape
        names = {'in0': onnx_cfg.input_names[0]}
        names.update({f'out{i}': n for i, n in enumerate(onnx_cfg.output_names)})
        fp16_weights = check_precision(deploy_cfg, self.name, PRECISIONS) == 'FP16'
        return pnnx_convert(onnx_file, prefix, [1, 3, h, w], fp16_weights, names)
