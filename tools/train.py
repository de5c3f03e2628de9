"""Train a pose model from a config (what ``mim train rtmpose_ext CONFIG`` runs).

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp] [--no-validate]
                                 [--auto-scale-lr] [--backbone-checkpoint PTH] [--cfg-options KEY=VALUE ...]
                                 [--launcher {none,pytorch,slurm,mpi}]

Before anything is built the config is checked (:mod:`rtmpose_ext.apis.config_check`): unknown types
and missing data / annotation / checkpoint files are reported together, each with its config key.
With ``--launcher pytorch`` on a machine without CUDA the process group is set up for CPU
(:mod:`rtmpose_ext.apis.cpu_distributed`). See docs/training.md.
"""
import argparse
import os
import os.path as osp

# Only the light imports here, so that `--help` (which `mim train` runs first) answers at once.
from mmengine.config import Config, DictAction


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a pose model (rtmpose_ext)')
    parser.add_argument('config', help='config file')
    parser.add_argument('--work-dir', help='where logs and checkpoints go (default: ./work_dirs/CONFIG_NAME)')
    parser.add_argument('--resume',
                        nargs='?',
                        type=str,
                        const='auto',
                        help='resume from CKPT; without a value, from the latest checkpoint in the work dir')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision (needs a GPU)')
    parser.add_argument('--no-validate', action='store_true', help='do not evaluate during training')
    parser.add_argument('--auto-scale-lr',
                        action='store_true',
                        help="scale the learning rate by (total batch size / auto_scale_lr.base_batch_size)")
    parser.add_argument('--backbone-checkpoint',
                        help='start the backbone from this checkpoint (keys prefixed "backbone.", e.g. '
                        'tools/extract_backbone.py\'s output): sets model.backbone.init_cfg to '
                        'Pretrained with prefix "backbone."')
    parser.add_argument('--cfg-options',
                        nargs='+',
                        action=DictAction,
                        help='override config settings, KEY=VALUE (e.g. train_dataloader.batch_size=32, '
                        'list items by index: custom_hooks.2.switch_epoch=10)')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none',
                        help='job launcher')
    # torch.distributed.launch (used by `mim train --launcher pytorch`) passes --local-rank
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command line to ``cfg`` (``--cfg-options`` last, so it wins)."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        optim_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_type not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp: optim_wrapper.type must be OptimWrapper, but got {optim_type!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        if not cfg.get('auto_scale_lr', {}).get('base_batch_size'):
            raise ValueError('--auto-scale-lr needs auto_scale_lr.base_batch_size in the config')
        cfg.auto_scale_lr.enable = True
    if args.backbone_checkpoint:
        cfg.model.backbone.init_cfg = dict(type='Pretrained', prefix='backbone.',
                                           checkpoint=args.backbone_checkpoint)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    import rtmpose_ext  # noqa: F401  (torch 2.13 fixes, registries) before mmengine's runner / torchvision
    from mmengine.runner import Runner

    from rtmpose_ext.apis.config_check import ConfigCheckError, check_config
    from rtmpose_ext.apis.cpu_distributed import needs_cpu_distributed, setup_cpu_distributed

    cfg = merge_args(Config.fromfile(args.config), args)
    try:
        check_config(cfg, 'train')
        if needs_cpu_distributed(args.launcher):
            setup_cpu_distributed(cfg, args.launcher)
    except ConfigCheckError as err:
        raise SystemExit(f'error: {err}') from None
    Runner.from_cfg(cfg).train()


if __name__ == '__main__':
    main()
