"""SimCC-R50 and HRNet-W32 DARK-UDP: CPU training iterations with the real backbones, pipelines and codecs
(our SimCCHead + SimCCLabel; mmpose's HeatmapHead + our UDPHeatmap), a checkpoint and CocoMetric after
each epoch, via tools/train.py; SimCC-R50 also resumes its latest checkpoint (``--resume`` without a
value). One iteration per epoch: these backbones take seconds per batch on CPU.
"""
import glob
import json
import os.path as osp

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
SIMCC = osp.join(REPO_ROOT, 'configs', 'simcc', 'simcc_res50_8xb64-210e_coco-256x192.py')
HRNET = osp.join(REPO_ROOT, 'configs', 'heatmap', 'td-hm_hrnet-w32_udp-dark_8xb64-210e_coco-256x192.py')


def _val_records(work_dir):
    records = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json'))):
        with open(path) as f:
            records += [json.loads(line) for line in f]
    return [r for r in records if 'coco/AP' in r]


def _checkpoints(work_dir):
    return sorted(osp.basename(p) for p in glob.glob(osp.join(work_dir, 'epoch_*.pth')))


def _train(cli, config, work_dir, options, *args):
    return cli([
        'python',
        osp.join(REPO_ROOT, 'tools', 'train.py'), config, '--work-dir', work_dir, *args, '--cfg-options',
        *options
    ],
               cwd=osp.dirname(work_dir))


@pytest.mark.slow  # ResNet-50 at batch 2 on 2 CPU cores: 2 runs of one iteration + one validation, ~40 s
def test_simcc_res50_trains_and_resumes_the_latest_checkpoint(tiny_coco, cli, tmp_path):
    work_dir = str(tmp_path / 'work')
    options = dict(train_instances=2, val_instances=2)
    out = _train(cli, SIMCC, work_dir, tiny_coco.cfg_options(max_epochs=1, **options))
    assert 'Epoch(train) [1][1/1]' in out and _checkpoints(work_dir) == ['epoch_1.pth']
    out = _train(cli, SIMCC, work_dir, tiny_coco.cfg_options(max_epochs=2, **options), '--resume')  # latest
    assert 'resumed epoch: 1, iter: 1' in out and 'Epoch(train) [2][1/1]' in out
    assert 'Epoch(train) [1]' not in out
    assert _checkpoints(work_dir) == ['epoch_1.pth', 'epoch_2.pth']
    records = _val_records(work_dir)
    assert [r['step'] for r in records] == [1, 2]
    assert all(0 <= r['coco/AP'] <= 1 and 0 <= r['coco/AR'] <= 1 for r in records)


@pytest.mark.slow  # HRNet-W32 at batch 2 on 2 CPU cores: one iteration and a validation, ~40 s
def test_hrnet_w32_udp_dark_trains(tiny_coco, cli, tmp_path):
    work_dir = str(tmp_path / 'work')
    out = _train(cli, HRNET, work_dir, tiny_coco.cfg_options(max_epochs=1, train_instances=2,
                                                             val_instances=2))
    assert 'Epoch(train) [1][1/1]' in out
    assert _checkpoints(work_dir) == ['epoch_1.pth']
    records = _val_records(work_dir)
    assert [r['step'] for r in records] == [1]
    assert all(0 <= r['coco/AP'] <= 1 and 0 <= r['coco/AR'] <= 1 for r in records)
