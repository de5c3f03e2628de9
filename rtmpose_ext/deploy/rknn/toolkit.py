"""The rknn-toolkit2 environment seen from the main one: its interpreter and the job it runs.

The interpreter is ``backend_config.toolkit_python`` if the deploy config sets it, else the environment
variable ``RTMPOSE_EXT_RKNN_PYTHON``, else ``.venv-rknn/bin/python`` at the repository root (made by
``make setup-rknn``).
"""
import os
import os.path as osp
import subprocess
from typing import Callable, Optional

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.realpath(__file__)))))
JOB_SCRIPT = osp.join(osp.dirname(osp.realpath(__file__)), 'job.py')
ENV_VAR = 'RTMPOSE_EXT_RKNN_PYTHON'


def toolkit_python(configured: Optional[str] = None) -> Optional[str]:
    """The toolkit environment's interpreter, or None if there is none (see the module docstring)."""
    path = configured or os.environ.get(ENV_VAR) or osp.join(REPO_ROOT, '.venv-rknn', 'bin', 'python')
    return path if osp.isfile(path) and os.access(path, os.X_OK) else None


def run_job(python: str, job_file: str, log_file: str, log: Callable[[str], None] = print) -> None:
    """Run :mod:`.job` on ``job_file``: its ``[rknn k/5]`` lines go to ``log``, everything it prints to
    ``log_file``; a failure raises ``RuntimeError`` with the log's last lines."""
    job_file = osp.abspath(job_file)
    with open(log_file, 'w') as out:
        proc = subprocess.Popen([python, JOB_SCRIPT, job_file], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, cwd=osp.dirname(job_file))
        for line in proc.stdout:
            out.write(line)
            if line.startswith('[rknn '):
                log('      ' + line.rstrip())
        code = proc.wait()
    if code != 0:
        with open(log_file) as f:
            tail = ''.join(f.readlines()[-25:])
        raise RuntimeError(f'the RKNN job failed (exit {code}); last lines of {log_file}:\n{tail}')


def start_server(python: str, job_file: str, log_file: str) -> subprocess.Popen:
    """:mod:`.job` with ``--serve``: binary pipes on stdin/stdout, its logs in ``log_file``."""
    job_file = osp.abspath(job_file)
    return subprocess.Popen([python, JOB_SCRIPT, job_file, '--serve'], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=open(log_file, 'w'), cwd=osp.dirname(job_file))
