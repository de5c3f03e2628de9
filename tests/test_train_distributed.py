"""Two training processes on CPU: ``torchrun --nproc_per_node 2 tools/train.py CFG --launcher pytorch``.

With gloo and BatchNorm (the CPU overrides), checks that the run works end to end with RTMPose-t's real
recipe (DDP, EMA, SyncBuffersHook, the pipeline switch), that both replicas end with the same weights
(and that training changed them), and that validation is computed once over the whole validation set
(not once per process, not per shard).

The subprocess imports this module (``custom_imports``) to get :class:`RankStateRecorderHook`.
"""
import glob
import hashlib
import json
import os
import os.path as osp
import socket

import pytest
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from rtmpose_ext.apis.cpu_distributed import find_cpu_distributed_problems
from rtmpose_ext.registry import HOOKS

TESTS_DIR = osp.dirname(osp.abspath(__file__))
REPO_ROOT = osp.dirname(TESTS_DIR)
RTMPOSE_T = osp.join(REPO_ROOT, 'configs', 'rtmpose', 'rtmpose-t_8xb256-420e_coco-256x192.py')


def _tensor_digest(t: torch.Tensor) -> str:
    return hashlib.sha256(t.detach().cpu().contiguous().numpy().tobytes()).hexdigest()


@HOOKS.register_module(force=True)
class RankStateRecorderHook(Hook):
    """Test helper: write ``rank_state_{rank}_{stage}.json`` to the work dir with a SHA-256 of every
    parameter and buffer of the model (and of the EMA model's parameters) before and after training."""

    priority = 'LOWEST'

    def _record(self, runner, stage: str) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        state = dict(params={
            n: _tensor_digest(p)
            for n, p in model.named_parameters()
        },
                     buffers={
                         n: _tensor_digest(b)
                         for n, b in model.named_buffers()
                     })
        for hook in runner.hooks:
            if type(hook).__name__ == 'EMAHook':
                ema = hook.ema_model.module
                state['ema_params'] = {n: _tensor_digest(p) for n, p in ema.named_parameters()}
        with open(osp.join(runner.work_dir, f'rank_state_{get_rank()}_{stage}.json'), 'w') as f:
            json.dump(state, f)

    def before_train(self, runner) -> None:
        self._record(runner, 'start')

    def after_train(self, runner) -> None:
        self._record(runner, 'end')


def test_cpu_distributed_config_problems_name_the_fix():
    from mmengine.config import Config
    cfg = Config.fromfile(RTMPOSE_T)
    problems = find_cpu_distributed_problems(cfg, 'pytorch')
    assert any('env_cfg.dist_cfg.backend' in p and 'backend=gloo' in p for p in problems), problems
    assert any('model.backbone.norm_cfg.type' in p and 'model.backbone.norm_cfg.type=BN' in p
               for p in problems)
    assert len(problems) == 2
    cfg.merge_from_dict({'env_cfg.dist_cfg.backend': 'gloo', 'model.backbone.norm_cfg.type': 'BN'})
    assert find_cpu_distributed_problems(cfg, 'pytorch') == []
    assert any('--launcher slurm' in p for p in find_cpu_distributed_problems(cfg, 'slurm'))


def test_setup_cpu_distributed_initialises_gloo_and_a_cpu_ddp_wrapper(monkeypatch):
    """One process (world size 1), in this process: what tools/train.py does before building the runner."""
    import torch.distributed as dist
    from mmengine.config import Config

    from rtmpose_ext.apis.cpu_distributed import setup_cpu_distributed
    if dist.is_initialized():
        pytest.skip('a process group is already initialised in this process')
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    for key, value in dict(RANK='0',
                           WORLD_SIZE='1',
                           LOCAL_RANK='0',
                           MASTER_ADDR='127.0.0.1',
                           MASTER_PORT=str(port)).items():
        monkeypatch.setenv(key, value)
    cfg = Config.fromfile(RTMPOSE_T)
    cfg.merge_from_dict({'env_cfg.dist_cfg.backend': 'gloo', 'model.backbone.norm_cfg.type': 'BN'})
    try:
        setup_cpu_distributed(cfg, 'pytorch')
        assert dist.is_initialized() and dist.get_backend() == 'gloo' and dist.get_world_size() == 1
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    assert cfg.model_wrapper_cfg == dict(type='MMDistributedDataParallel',
                                         broadcast_buffers=False,
                                         find_unused_parameters=False,
                                         device_ids=None)


@pytest.mark.slow  # two processes on 2 CPU cores, 2 epochs + 2 validations of RTMPose-t: about 60 s
def test_two_process_training_keeps_replicas_in_sync_and_evaluates_once(tiny_coco, cli, tmp_path):
    if torch.cuda.is_available():
        pytest.skip('this test covers the CPU (gloo) path; with CUDA mmengine launches as usual')
    from mmengine.config import Config
    cfg = Config.fromfile(RTMPOSE_T)
    cfg.custom_imports.imports.append('test_train_distributed')
    cfg.custom_hooks.append(dict(type='RankStateRecorderHook'))
    cfg_file = str(tmp_path / 'rtmpose-t_2proc.py')
    cfg.dump(cfg_file)
    work_dir = str(tmp_path / 'work')
    max_epochs, switch_epoch = 2, 1
    extra = {'custom_hooks.2.switch_epoch': switch_epoch, 'param_scheduler.0.warmup_iters': 2,
             'param_scheduler.0.cosine_begin': 1, 'param_scheduler.0.end': max_epochs,
             'val_evaluator.outfile_prefix': osp.join(work_dir, 'val_results'),
             # the documented CPU overrides
             'env_cfg.dist_cfg.backend': 'gloo', 'model.backbone.norm_cfg.type': 'BN'}
    options = tiny_coco.cfg_options(max_epochs=max_epochs, train_instances=8, extra=extra)
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    # what `mim train rtmpose_ext CFG --gpus 2 --launcher pytorch` runs, with torchrun instead of the
    # deprecated torch.distributed.launch
    out = cli(['python', '-m', 'torch.distributed.run', '--nproc_per_node', '2', '--master_port', str(port),
               osp.join(REPO_ROOT, 'tools', 'train.py'), cfg_file, '--launcher', 'pytorch', '--work-dir',
               work_dir, '--cfg-options', *options],
              cwd=str(tmp_path), env=dict(PYTHONPATH=TESTS_DIR, OMP_NUM_THREADS='1'), timeout=400)

    # both processes ran, as ranks 0 and 1 of one world of 2
    states = {}
    for rank in (0, 1):
        for stage in ('start', 'end'):
            with open(osp.join(work_dir, f'rank_state_{rank}_{stage}.json')) as f:
                states[rank, stage] = json.load(f)
    assert 'Distributed launcher: pytorch' in out and 'GPU number: 2' in out  # mmengine's name for world size
    # replicas: identical parameters, buffers (BatchNorm statistics, synchronised by SyncBuffersHook at each
    # epoch end) and EMA parameters; and training changed them
    for key in ('params', 'buffers', 'ema_params'):
        assert states[0, 'end'][key] == states[1, 'end'][key], key
    changed = [n for n, d in states[0, 'end']['params'].items() if d != states[0, 'start']['params'][n]]
    assert len(changed) > 0.9 * len(states[0, 'end']['params'])
    assert 'switched the training pipeline at epoch 2' in out

    # one evaluation per validation epoch (COCOeval runs on rank 0 only), over the whole val set
    assert out.count('Accumulating evaluation results') == max_epochs
    assert out.count('Evaluating CocoMetric') == max_epochs
    with open(tiny_coco.val_ann_file) as f:
        val_image_ids = {im['id'] for im in json.load(f)['images']}
    with open(osp.join(work_dir, 'val_results.keypoints.json')) as f:
        results = json.load(f)
    assert {r['image_id'] for r in results} == val_image_ids
    checkpoints = sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, 'epoch_*.pth')))
    assert checkpoints == [f'epoch_{e}.pth' for e in range(1, max_epochs + 1)]
    assert os.path.getsize(osp.join(work_dir, checkpoints[-1])) > 1e6
