"""ChannelsLastHook: NHWC weights before EMA copies them, same training numbers, checkpoints load anywhere."""
import torch
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner, load_checkpoint
from torch.utils.data import Dataset

import rtmpose_ext  # noqa: F401  (registers the hook; its checkpoint-loading fix lets the test load)

CL = torch.channels_last


class ConvModel(BaseModel):
    """conv 3x3 (no bias, as before every BN) -> BN -> SiLU -> conv 3x3 -> mean; MSE against a scalar."""

    def __init__(self):
        super().__init__()
        self.net = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1, bias=False),
                                       torch.nn.BatchNorm2d(8),
                                       torch.nn.SiLU(), torch.nn.Conv2d(8, 4, 3, padding=1))

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.net(inputs).mean(dim=(1, 2, 3))
        if mode == 'loss':
            return dict(loss=((out - targets) ** 2).mean())
        return out


class ImageDataset(Dataset):
    """8 random (inputs (3, 12, 10), target) pairs, fixed."""

    def __init__(self):
        g = torch.Generator().manual_seed(0)
        self.x, self.y = torch.randn(8, 3, 12, 10, generator=g), torch.randn(8, generator=g)

    def __len__(self):
        return 8

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


class RecordLoss(Hook):
    """Keeps every training iteration's loss."""

    def __init__(self):
        self.losses = []

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.losses.append(outputs['loss'].item())


def ema_model(runner):
    """The averaged copy of the model kept by the runner's ``EMAHook``."""
    return next(h for h in runner.hooks if type(h).__name__ == 'EMAHook').ema_model.module


def train(work_dir, channels_last: bool):
    hooks = [dict(type='EMAHook', ema_type='ExpMomentumEMA', momentum=0.1, gamma=10, update_buffers=True,
                  priority=49)]
    if channels_last:
        hooks.insert(0, dict(type='ChannelsLastHook'))
    torch.manual_seed(0)                   # the same initial weights for both runs
    runner = Runner(
        model=ConvModel(), work_dir=str(work_dir),
        train_dataloader=dict(dataset=ImageDataset(), sampler=dict(type='DefaultSampler', shuffle=False),
                              batch_size=4, num_workers=0, collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='AdamW', lr=0.01)),
        train_cfg=dict(by_epoch=True, max_epochs=2),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=2), logger=None),
        custom_hooks=hooks, randomness=dict(seed=0), default_scope='rtmpose_ext',
        experiment_name=f'channels_last_{channels_last}_{id(work_dir)}')
    record = RecordLoss()
    runner.register_hook(record)
    runner.train()
    return runner, record.losses


def test_weights_and_ema_copy_are_channels_last_and_training_numbers_match(tmp_path):
    runner_cl, losses_cl = train(tmp_path / 'cl', channels_last=True)
    runner_ref, losses_ref = train(tmp_path / 'ref', channels_last=False)
    conv = runner_cl.model.net[0].weight
    assert conv.is_contiguous(memory_format=CL) and not conv.is_contiguous()
    assert not runner_ref.model.net[0].weight.is_contiguous(memory_format=CL)
    ema = ema_model(runner_cl)
    assert ema.net[3].weight.is_contiguous(memory_format=CL)
    # the optimizer still updates the model's own parameters (converted in place, not replaced)
    groups = runner_cl.optim_wrapper.optimizer.param_groups
    optim_params = {id(p) for group in groups for p in group['params']}
    assert optim_params == {id(p) for p in runner_cl.model.parameters()}
    assert len(losses_cl) == len(losses_ref) == 4
    torch.testing.assert_close(torch.tensor(losses_cl), torch.tensor(losses_ref), rtol=1e-4, atol=1e-5)
    for (name, a), b in zip(runner_cl.model.state_dict().items(), runner_ref.model.state_dict().values()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5, msg=name)


def test_checkpoint_of_a_channels_last_run_loads_into_a_contiguous_model(tmp_path):
    runner, _ = train(tmp_path, channels_last=True)
    model = ConvModel()
    load_checkpoint(model, str(tmp_path / 'epoch_2.pth'), map_location='cpu', strict=True)
    # EMAHook saves the averaged weights as the checkpoint's state_dict
    ema = ema_model(runner)
    x = torch.randn(2, 3, 12, 10)
    ema.eval()
    model.eval()
    assert model.net[0].weight.is_contiguous()
    torch.testing.assert_close(model(x), ema(x), rtol=1e-5, atol=1e-6)
