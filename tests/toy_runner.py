"""A tiny mmengine Runner set-up (linear model, random data) for tests of engine-level behaviour."""
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import Dataset


class ToyModel(BaseModel):
    """y = W x + b with an MSE loss; ``forward(inputs (B, 4), targets (B, 2), mode)``."""

    def __init__(self):
        super().__init__()
        self.linear = torch.nn.Linear(4, 2)

    def forward(self, inputs, targets=None, mode='tensor'):
        out = self.linear(inputs)
        if mode == 'loss':
            return dict(loss=((out - targets) ** 2).mean())
        return out


class ToyDataset(Dataset):
    """``length`` random (inputs (4,), targets (2,)) pairs, fixed by ``seed``."""

    def __init__(self, length: int = 8, seed: int = 0):
        g = torch.Generator().manual_seed(seed)
        self.x = torch.randn(length, 4, generator=g)
        self.y = torch.randn(length, 2, generator=g)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return dict(inputs=self.x[i], targets=self.y[i])


def make_toy_runner(work_dir: str, max_epochs: int = 2, **kwargs) -> Runner:
    """A CPU Runner on ToyModel/ToyDataset saving a checkpoint every epoch; kwargs override."""
    cfg = dict(
        model=ToyModel(),
        work_dir=str(work_dir),
        train_dataloader=dict(dataset=ToyDataset(), sampler=dict(type='DefaultSampler', shuffle=True),
                              batch_size=4, num_workers=0, collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9)),
        train_cfg=dict(by_epoch=True, max_epochs=max_epochs),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1), logger=None),
        randomness=dict(seed=0),
        default_scope='rtmpose_ext',
        experiment_name=f'toy_{id(work_dir)}_{max_epochs}',
    )
    cfg.update(kwargs)
    return Runner(**cfg)
