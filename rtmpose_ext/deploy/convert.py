"""A conversion, step by step: check -> ONNX export -> SDK description -> backend files.

The same steps for every task (pose models, detectors); what differs per task is read from the deploy
config's ``codebase_config`` (type, task) and done by :mod:`.tasks`.

:func:`convert` is what ``python -m rtmpose_ext.deploy`` runs. Each step reports through ``log``; the
last one also loads the written model directory with the runtime (where a runtime for the backend is
installed) and reports the precision it actually runs on this CPU. A backend whose toolkit is missing
stops the last step with
:class:`~rtmpose_ext.deploy.backends.MissingToolkitError` after the ONNX model and the SDK description
have been written.
"""
import inspect
import os.path as osp
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Union

from mmengine.config import Config

from .backends import get_converter
from .configs import is_dynamic_batch, load_configs
from .export import example_image, export_onnx
from .precision import requested_precision
from .runtime.cpu import cpu_summary
from .scope import caller_scope_kept
from .sdk_info import export_sdk_info
from .tasks import get_task


@dataclass
class ConversionResult:
    """Paths written by :func:`convert`, and the precision the runtime runs the model in here
    (``engine.precision_detail``; '' where this machine has no runtime for the backend)."""
    work_dir: str
    onnx_file: str
    sdk_files: List[str]
    backend_files: List[str] = field(default_factory=list)
    runtime_precision: str = ''


def runtime_precision(work_dir: str) -> str:
    """What the runtime's engine for ``work_dir`` runs ('f32', 'bf16' or 'f16' and how), or '' where the
    runtime has no engine for its network file (TensorRT, RKNN)."""
    from .runtime import ENGINES, NetworkInfo, create_engine
    info = NetworkInfo.network_of(work_dir)  # pose model or detector
    if osp.splitext(info.net)[1] not in ENGINES:
        return ''
    engine = create_engine(info)
    return f'{engine.precision}: {engine.precision_detail}'


def _describe(deploy_cfg: Config) -> str:
    backend_cfg = deploy_cfg.backend_config
    precision = requested_precision(deploy_cfg)
    batch = 'dynamic batch' if is_dynamic_batch(deploy_cfg) else 'static'
    graph = get_task(deploy_cfg).describe(deploy_cfg)
    return f'{backend_cfg.type} ({str(precision).lower()}, {batch}{graph})'


def convert(deploy_cfg: Union[str, Config],
            model_cfg: Union[str, Config],
            checkpoint: Optional[str],
            image: str,
            work_dir: str,
            device: str = 'cpu',
            deploy_options: Optional[Dict] = None,
            model_options: Optional[Dict] = None,
            log: Callable[[str], None] = print) -> ConversionResult:
    """Convert a PyTorch model (SimCC pose model or detector, by ``deploy_cfg``'s task) for the backend
    of ``deploy_cfg``.

    Args:
        deploy_cfg (str | Config): Deploy config (``configs/deploy/*.py``).
        model_cfg (str | Config): Model config.
        checkpoint (str, optional): PyTorch checkpoint; None exports the initial weights.
        image (str): An image file, used to trace the model.
        work_dir (str): Output folder.
        device (str): Device of the PyTorch model (and of TensorRT's build). Defaults to 'cpu'.
        deploy_options, model_options (dict, optional): Overrides merged into the two configs.
        log (callable): Receives one line per step. Defaults to ``print``.

    Returns:
        ConversionResult: The ONNX file, the SDK files and the backend files.

    The caller's mmengine default scope is current again when it returns (inside, MMDeploy's task
    processors make the model config's scope current).
    """
    with caller_scope_kept():
        return _convert(deploy_cfg, model_cfg, checkpoint, image, work_dir, device, deploy_options,
                        model_options, log)


def _convert(deploy_cfg, model_cfg, checkpoint, image, work_dir, device, deploy_options, model_options,
             log) -> ConversionResult:
    """The steps of :func:`convert`."""
    deploy_cfg, model_cfg = load_configs(deploy_cfg, model_cfg, deploy_options, model_options)
    if checkpoint is not None and not osp.isfile(checkpoint):
        raise FileNotFoundError(f'CHECKPOINT: no such file: {checkpoint!r}')
    img = example_image(image)
    converter = get_converter(deploy_cfg.backend_config.type)
    converter.check(deploy_cfg)
    log(f'[0/3] {_describe(deploy_cfg)}; model {osp.basename(model_cfg.filename or "?")}, '
        f'weights {checkpoint or "initial (no checkpoint)"}')

    t0 = time.perf_counter()
    onnx_file = export_onnx(deploy_cfg, model_cfg, checkpoint, img, work_dir, device,
                            backend=converter.export_backend(deploy_cfg))
    log(f'[1/3] ONNX model: {onnx_file} ({time.perf_counter() - t0:.1f} s)')

    t0 = time.perf_counter()
    sdk_files = export_sdk_info(deploy_cfg, model_cfg, work_dir, checkpoint)
    log(f'[2/3] SDK description: {", ".join(osp.basename(f) for f in sdk_files)} '
        f'({time.perf_counter() - t0:.1f} s)')

    result = ConversionResult(work_dir, onnx_file, sdk_files)
    t0 = time.perf_counter()
    # converters with steps of their own (RKNN's toolkit job) report them through ``log`` as well
    extra = {'log': log} if 'log' in inspect.signature(converter.convert).parameters else {}
    result.backend_files = converter.convert(onnx_file, work_dir, deploy_cfg, model_cfg, device, **extra)
    log(f'[3/3] {converter.name} model: {", ".join(result.backend_files)} ({time.perf_counter() - t0:.1f} s)')
    result.runtime_precision = runtime_precision(work_dir)
    if result.runtime_precision:
        log(f'      runs here in {result.runtime_precision}; CPU: {cpu_summary()}')
    return result
