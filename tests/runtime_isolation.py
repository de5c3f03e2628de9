"""Run code against ``rtmpose_ext/deploy/runtime`` loaded from its folder alone (as copied onto a device),
in a fresh interpreter where importing torch, an OpenMMLab package or rtmpose_ext fails (this module has
no tests of its own)."""
import json
import os.path as osp
import subprocess
import sys
from typing import Sequence

RUNTIME_DIR = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'rtmpose_ext', 'deploy', 'runtime')

_PRELUDE = r'''
import importlib.abc, importlib.util, json, sys
BLOCKED = ('torch', 'mmengine', 'mmpose', 'mmcv', 'mmdet', 'mmdeploy', 'rtmpose_ext')

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in BLOCKED:
            raise ImportError(f'blocked: {name}')

sys.meta_path.insert(0, Block())
runtime_dir, args = sys.argv[1], sys.argv[2:]
spec = importlib.util.spec_from_file_location('rtmpose_runtime', runtime_dir + '/__init__.py',
                                              submodule_search_locations=[runtime_dir])
runtime = importlib.util.module_from_spec(spec)
sys.modules['rtmpose_runtime'] = runtime
spec.loader.exec_module(runtime)
results = {}
'''
_EPILOGUE = r'''
loaded = sorted(m for m in sys.modules if m.split('.')[0] in BLOCKED)
print(json.dumps(dict(results=results, loaded=loaded)))
'''


def run_runtime_alone(tmp_path, body: str, args: Sequence[str]) -> dict:
    """Run ``body`` (Python with ``runtime``, the loaded package, and ``args``, the strings given; it
    fills the dict ``results``) and return ``results``, after checking that it exited cleanly and that
    no blocked package got loaded."""
    script = tmp_path / 'run_runtime_alone.py'
    script.write_text(_PRELUDE + body + _EPILOGUE)
    proc = subprocess.run([sys.executable, str(script), RUNTIME_DIR] + list(args), capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report['loaded'] == []
    return report['results']
