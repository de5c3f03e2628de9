"""tools/probe_learning.py: runs a few steps on a tiny synthetic split; bad arguments name the flag."""
import math

import pytest
from tool_loading import load_tool


def _load_tool():
    return load_tool('probe_learning')


@pytest.fixture(scope='module')
def tiny_split(tmp_path_factory):
    from rtmpose_ext.datasets.synthetic import generate_split
    root = str(tmp_path_factory.mktemp('probe_data'))
    generate_split(root, 'train', 6, seed=0, difficulty='easy', progress=None)
    return root


@pytest.mark.parametrize('pipeline,head_init', [('none', 'torch'), ('strong', 'std0.01')])
def test_probe_runs_and_reports_each_window(tiny_split, pipeline, head_init, capsys):
    probe = _load_tool()
    records = probe.main(['--data-root', tiny_split, '--iters', '3', '--batch', '2', '--log-every', '2',
                          '--pipeline', pipeline, '--head-init', head_init, '--size', '64x96',
                          '--threads', '2'])
    assert [r['iter'] for r in records] == [2, 3] and [r['crops'] for r in records] == [4, 6]
    assert all(math.isfinite(r['loss']) and r['loss'] > 0 and 0 <= r['acc'] <= 1 for r in records)
    out = capsys.readouterr().out
    assert 'input 64x96' in out and 'it     3  crops      6' in out


def test_probe_config_follows_the_size_and_sigma(tiny_split):
    probe = _load_tool()
    args = probe.parse_args(['--data-root', tiny_split, '--size', '128x160', '--sigma-scale', '2'])
    cfg, dataset = probe.probe_config(args)
    assert tuple(cfg.model.head.in_featuremap_size) == (4, 5)
    target = next(t for t in dataset['pipeline'] if t['type'] == 'GenerateTarget')
    assert target['encoder']['sigma'] == pytest.approx((2 * 4.0, 2 * 20**0.5))


def test_probe_size_defaults_to_the_demo_config(tiny_split):
    from mmengine.config import Config
    probe = _load_tool()
    demo = Config.fromfile(probe.DEMO_CONFIG)
    cfg, dataset = probe.probe_config(probe.parse_args(['--data-root', tiny_split]))
    assert tuple(cfg.model.head.input_size) == tuple(demo.codec.input_size)
    assert tuple(cfg.model.head.in_featuremap_size) == tuple(demo.model.head.in_featuremap_size)
    target = next(t for t in dataset['pipeline'] if t['type'] == 'GenerateTarget')
    assert target['encoder']['sigma'] == pytest.approx(demo.codec.sigma, abs=0.01)


@pytest.mark.parametrize('argv,message', [
    (['--size', '96'], '--size: expected WxH'),
    (['--size', '16x16'], '--size: expected WxH'),
    (['--batch', '0'], '--batch: expected an integer >= 1'),
])
def test_bad_arguments_name_the_flag(tiny_split, argv, message, capsys):
    probe = _load_tool()
    with pytest.raises(SystemExit):
        probe.parse_args(['--data-root', tiny_split] + argv)
    assert message in capsys.readouterr().err


def test_missing_data_says_how_to_make_it(tmp_path, capsys):
    probe = _load_tool()
    with pytest.raises(SystemExit):
        probe.parse_args(['--data-root', str(tmp_path)])
    assert 'make the split first' in capsys.readouterr().err
