"""``python -m rtmpose_ext.deploy DEPLOY_CFG MODEL_CFG CHECKPOINT IMAGE --work-dir DIR``

Convert a SimCC pose model (RTMPose, SimCC) for a backend: export ONNX with MMDeploy's exporter and our
rewriters, write the SDK description (pipeline.json, deploy.json, detail.json) and the backend's files.
Exit status: 0 done, 2 bad arguments or configs, 3 the backend's toolkit is not installed (the ONNX model
and the SDK description are written), 1 any other failure.

Examples:
    python -m rtmpose_ext.deploy configs/deploy/pose-detection_simcc_onnxruntime_dynamic.py \\
        configs/rtmpose/rtmpose-t_8xb256-420e_coco-256x192.py rtmpose-t.pth demo.jpg --work-dir work/ort
    # mmpose's own head (and MMDeploy's rewrites for it) instead of ours:
    python -m rtmpose_ext.deploy ... --cfg-options model.head.type=mmpose.RTMCCHead
"""
import argparse
import sys

from mmengine.config import DictAction


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog='python -m rtmpose_ext.deploy', description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('deploy_cfg', help='deploy config (configs/deploy/*.py)')
    parser.add_argument('model_cfg', help='model config')
    parser.add_argument('checkpoint', help="PyTorch checkpoint ('none': the model's initial weights)")
    parser.add_argument('image', help='an image file used to trace the model')
    parser.add_argument('--work-dir', required=True, help='output folder')
    parser.add_argument('--device', default='cpu', help="device of the PyTorch model (default: 'cpu')")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None, metavar='KEY=VALUE',
                        help='overrides of the model config')
    parser.add_argument('--deploy-options', nargs='+', action=DictAction, default=None, metavar='KEY=VALUE',
                        help='overrides of the deploy config, e.g. codebase_config.export_postprocess=True')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    import rtmpose_ext  # noqa: F401  (registers our classes, applies the torch 2.13 fixes)
    from .backends import MissingToolkitError
    from .configs import DeployConfigError
    from .convert import convert

    checkpoint = None if args.checkpoint.lower() == 'none' else args.checkpoint
    try:
        convert(args.deploy_cfg, args.model_cfg, checkpoint, args.image, args.work_dir, device=args.device,
                deploy_options=args.deploy_options, model_options=args.cfg_options)
    except MissingToolkitError as e:
        print(f'stopped: {e}', file=sys.stderr)
        return 3
    except (DeployConfigError, FileNotFoundError) as e:
        print(f'error: {e}', file=sys.stderr)
        return 2
    print(f'done: {args.work_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
