"""Whether this process was started as one of the package's torch-free commands.

``python -m rtmpose_ext.apis.infer`` runs exported models with numpy, OpenCV and the backend only; Python
imports ``rtmpose_ext/__init__.py`` first, which would import torch, mmengine, mmpose and mmdeploy to
register our classes (seconds, and impossible on a device without torch). In such a process the package
skips that registration; every other use of ``import rtmpose_ext`` registers as before.
"""
import sys

TORCH_FREE_COMMANDS = ('rtmpose_ext.apis.infer', )


def started_as_torch_free_command(argv=None) -> bool:
    """True if the interpreter's command line (``sys.orig_argv``) is ``python ... -m`` one of
    :data:`TORCH_FREE_COMMANDS`."""
    argv = list(getattr(sys, 'orig_argv', []) if argv is None else argv)
    for i, arg in enumerate(argv[:-1]):
        if arg == '-m':
            return argv[i + 1] in TORCH_FREE_COMMANDS
    return False


TORCH_FREE = started_as_torch_free_command()
