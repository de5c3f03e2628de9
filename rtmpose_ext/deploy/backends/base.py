"""What every backend converter provides, and the registry of converters by ``backend_config.type``."""
import importlib.util
import os
import os.path as osp
from typing import Callable, Dict, List

from mmengine.config import Config


class MissingToolkitError(RuntimeError):
    """The backend's conversion toolkit is not installed; ``package`` is the pip package to install."""

    def __init__(self, backend: str, package: str, hint: str = ''):
        self.backend, self.package = backend, package
        super().__init__(f'{backend}: the conversion toolkit is not installed: install the Python package '
                         f'`{package}`{hint}. The ONNX model and the SDK description were written; rerun '
                         'the command once it is installed.')


def require(backend: str, module: str, package: str, hint: str = '') -> None:
    """Raise :class:`MissingToolkitError` naming ``package`` unless ``module`` can be imported."""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a missing parent package of a dotted name
        found = False
    if not found:
        raise MissingToolkitError(backend, package, hint)


class BackendConverter:
    """Turns the exported ONNX model into the backend's model files.

    Subclasses set ``name`` (the ``backend_config.type``) and implement :meth:`convert`; :meth:`check`
    validates the deploy config before anything is exported.
    """
    name = ''

    def check(self, deploy_cfg: Config) -> None:
        """Raise :class:`~rtmpose_ext.deploy.configs.DeployConfigError` naming the field if ``deploy_cfg``
        cannot be converted by this backend."""

    def export_backend(self, deploy_cfg: Config) -> str:
        """The backend whose MMDeploy rewriters apply during the ONNX export (default: this backend)."""
        return self.name

    def convert(self, onnx_file: str, work_dir: str, deploy_cfg: Config, model_cfg: Config,
                device: str = 'cpu') -> List[str]:
        """Write the backend's files into ``work_dir`` and return their paths (the first is the net)."""
        raise NotImplementedError

    @staticmethod
    def output_prefix(onnx_file: str, work_dir: str) -> str:
        """``work_dir/<name of the ONNX file without .onnx>``, as MMDeploy names backend files
        (``work_dir`` is created if needed)."""
        os.makedirs(work_dir, exist_ok=True)
        return osp.join(work_dir, osp.splitext(osp.basename(onnx_file))[0])


BACKEND_CONVERTERS: Dict[str, BackendConverter] = {}


def register_converter(cls: Callable) -> Callable:
    """Class decorator: register an instance under ``cls.name``."""
    BACKEND_CONVERTERS[cls.name] = cls()
    return cls


def get_converter(backend: str) -> BackendConverter:
    if backend not in BACKEND_CONVERTERS:
        from ..configs import DeployConfigError
        raise DeployConfigError(f'backend_config.type: no converter for {backend!r}; available: '
                                f'{sorted(BACKEND_CONVERTERS)}')
    return BACKEND_CONVERTERS[backend]
