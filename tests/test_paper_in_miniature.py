"""projects/paper_in_miniature/run_ablations.py at toy scale: it trains the runs an ablation needs (the
reference with two seeds), evaluates them, resumes from its results file and writes the markdown table;
and each ablation's edit changes the one thing it names."""
import json
import os.path as osp
import sys

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PROJECT = osp.join(REPO_ROOT, 'projects', 'paper_in_miniature')
SCRIPT = osp.join(PROJECT, 'run_ablations.py')


@pytest.fixture(scope='module')
def ablations():
    sys.path.insert(0, PROJECT)
    import run_ablations
    yield run_ablations
    sys.path.remove(PROJECT)


@pytest.mark.slow  # 3 toy trainings (16 pictures, 1 epoch) and 4 evaluations: ~40-80 s on 2 cores
def test_toy_run_writes_the_table_and_resumes(tmp_path, cli, ablations, capsys):
    out = tmp_path / 'out'
    args = ['python', SCRIPT, '--toy', '--only', 'ema', 'tau', '--out-dir', str(out),
            '--data-root', str(tmp_path / 'data'), '--threads', '1']
    log = cli(args, cwd=str(tmp_path), timeout=600)
    assert '3 runs to go' in log
    records = [json.loads(line) for line in (out / 'results.jsonl').read_text().splitlines()]
    assert [(r['run'], r['seed']) for r in records] == [('reference', 0), ('reference', 1), ('tau-1', 0)]
    assert set(records[0]['metrics']) == {'', 'raw'}                 # EMA and raw weights of one checkpoint
    assert all(0 <= m['AP'] <= 1 for r in records for m in r['metrics'].values())
    table = (out / 'results.md').read_text()
    assert '| tau | RTMPose Table 3' in table and '| ema | RTMPose Sec. 3.3' in table
    assert '--only tau`' in table and 'tau 1 | ' in table and 'not run yet' in table   # others not run
    assert ablations.main(args[2:]) == 0                              # everything there: nothing to do
    assert '0 runs to go (3 already in' in capsys.readouterr().out


def test_each_edit_changes_one_thing(ablations):
    from mmengine.config import Config
    base = Config.fromfile(ablations.SIMCC)
    cfg = base.copy()
    ablations.set_input_size((64, 80))(cfg)
    assert cfg.model.head.in_featuremap_size == (2, 3) and cfg.model.head.input_size == (64, 80)
    assert cfg.codec.sigma == 'auto' and cfg.model.head.decoder == cfg.codec
    for pipeline in ablations.pipelines(cfg):
        for t in pipeline:
            assert t.type != 'TopdownAffine' or tuple(t.input_size) == (64, 80)
            assert t.type != 'GenerateTarget' or t.encoder == cfg.codec
    cfg = base.copy()
    ablations.set_split_ratio(3.)(cfg)
    assert cfg.model.head.simcc_split_ratio == 3. and cfg.codec.simcc_split_ratio == 3.
    cfg = base.copy()
    ablations.set_tau(1.)(cfg)
    assert cfg.model.head.loss.beta == 1.
    cfg = base.copy()
    ablations.one_stage(cfg)
    assert 'PipelineSwitchHook' not in {h.type for h in cfg.custom_hooks}
    heat = Config.fromfile(ablations.HEATMAP)
    ablations.set_input_size((64, 80))(heat)
    assert heat.codec.heatmap_size == (16, 24) and heat.model.head.decoder == heat.codec
    names = {r.name for r in ablations.RUNS}
    assert all(key.split(':')[0] in names for a in ablations.ABLATIONS for key in a.rows.values())
