"""``ChannelsLastHook``: keep the model's 4-D weights in the channels-last (NHWC) memory layout.

On a CPU, oneDNN convolutions run faster on NHWC tensors: a training step of RTMPose-t (batch 32,
2 cores) took 5-15 % less time here (``python tools/benchmark_channels_last.py`` times both layouts
side by side: 1.07x at 96x128, 1.15x at 112x144; timings on a shared machine vary). A convolution
whose weight is channels-last returns a channels-last output, so converting the weights is enough: the
input batch is converted by the first convolution, and every later activation stays NHWC. The values
computed are the same up to float rounding::

    custom_hooks = [dict(type='ChannelsLastHook')]
"""
import torch
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from rtmpose_ext.registry import HOOKS


@HOOKS.register_module()
class ChannelsLastHook(Hook):
    """Convert the model's 4-D parameters and buffers to ``torch.channels_last`` before the run.

    Runs in ``before_run`` (training, validation and testing runners alike) with a very high priority,
    so before mmengine's ``EMAHook`` copies the model: the averaged model is channels-last too. The
    parameters stay the same ``nn.Parameter`` objects (their data is converted in place), so an
    optimizer built earlier keeps updating them, and checkpoints load into them as usual
    (``load_state_dict`` copies values, whatever the layout). Saved checkpoints hold NHWC-strided
    tensors that load into a contiguous model unchanged.
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        model.to(memory_format=torch.channels_last)
