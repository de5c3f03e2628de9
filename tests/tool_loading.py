"""Load a script of tools/ as a module (tools/ is no package), for tests that call its functions."""
import importlib.util
import os.path as osp
from types import ModuleType

TOOLS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'tools')


def load_tool(name: str) -> ModuleType:
    """``tools/<name>.py`` run as a fresh module named ``tools_<name>`` (its ``__main__`` block not run)."""
    spec = importlib.util.spec_from_file_location(f'tools_{name}', osp.join(TOOLS, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
