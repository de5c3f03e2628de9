"""Evaluate a checkpoint on a config's test set (what ``mim test rtmpose_ext CONFIG --checkpoint CKPT`` runs).

    python tools/test.py CONFIG CHECKPOINT [--work-dir DIR] [--out METRICS.json] [--dump PREDS.pkl]
                                           [--cfg-options KEY=VALUE ...] [--launcher {none,pytorch,slurm,mpi}]

The config is checked first (:mod:`rtmpose_ext.apis.config_check`; test loader, evaluator, checkpoint).
See docs/training.md.
"""
import argparse
import os
import os.path as osp

import rtmpose_ext  # noqa: F401  (torch 2.13 fixes, registries) before mmengine's runner / torchvision
import mmengine
from mmengine.config import Config, DictAction
from mmengine.hooks import Hook
from mmengine.runner import Runner

from rtmpose_ext.apis.config_check import ConfigCheckError, check_config
from rtmpose_ext.apis.cpu_distributed import needs_cpu_distributed, setup_cpu_distributed


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (evaluate) a pose model (rtmpose_ext)')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where logs go (default: ./work_dirs/CONFIG_NAME)')
    parser.add_argument('--out', help='save the metrics to this file (.json, .yaml or .pkl)')
    parser.add_argument('--dump', help='save the predictions to this .pkl file for offline evaluation')
    parser.add_argument('--cfg-options',
                        nargs='+',
                        action=DictAction,
                        help='override config settings, KEY=VALUE (e.g. test_dataloader.batch_size=32)')
    parser.add_argument('--launcher',
                        choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none',
                        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Apply the command line to ``cfg`` (``--cfg-options`` last, so it wins)."""
    cfg.launcher = args.launcher
    cfg.load_from = args.checkpoint
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl file, but got {args.dump!r}')
        evaluators = cfg.test_evaluator if isinstance(cfg.test_evaluator, list) else [cfg.test_evaluator]
        cfg.test_evaluator = [*evaluators, dict(type='DumpResults', out_file_path=args.dump)]
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


class SaveMetricsHook(Hook):
    """Write the test metrics to ``out_file`` (rank 0 receives them; every rank gets the same dict)."""

    def __init__(self, out_file: str):
        self.out_file = out_file

    def after_test_epoch(self, runner, metrics=None) -> None:
        if metrics is not None and runner.rank == 0:
            mmengine.dump(metrics, self.out_file)


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = merge_args(Config.fromfile(args.config), args)
    try:
        check_config(cfg, 'test')
        if needs_cpu_distributed(args.launcher):
            setup_cpu_distributed(cfg, args.launcher)
    except ConfigCheckError as err:
        raise SystemExit(f'error: {err}') from None
    runner = Runner.from_cfg(cfg)
    if args.out:
        runner.register_hook(SaveMetricsHook(args.out), 'LOWEST')
    runner.test()


if __name__ == '__main__':
    main()
