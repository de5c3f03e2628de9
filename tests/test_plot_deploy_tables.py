"""tools/plot_deploy_tables.py: reads docs/deployment.md's two tables, draws both pictures, and names the
table it cannot find without writing anything."""
import os.path as osp

import pytest
from tool_loading import load_tool

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_reads_the_docs_tables_and_draws_them(tmp_path):
    tool = load_tool('plot_deploy_tables')
    with open(osp.join(REPO, 'docs', 'deployment.md'), encoding='utf-8') as f:
        text = f.read()
    agreement = tool.read_table(text, tool.AGREEMENT_HEADER)
    latency = tool.read_table(text, tool.LATENCY_HEADER)
    assert len(agreement) >= 3 and all(float(r['max |Δlogit|']) > 0 for r in agreement)
    assert len(latency) >= 3 and all(float(r['ours ms']) > 0 and int(r['batch']) >= 1 for r in latency)
    assert tool.main(['--out-dir', str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ['deploy_agreement.png', 'deploy_latency.png']


def test_a_missing_table_is_named_and_nothing_is_written(tmp_path):
    tool = load_tool('plot_deploy_tables')
    doc = tmp_path / 'page.md'
    doc.write_text('| backend | ran | max \\|Δlogit\\| | mean Δkpt (input px) | keypoints compared |\n'
                   '|---|---|---|---|---|\n| ort | f32 | 1e-5 | 0 | 100 % |\n')
    assert tool.read_table(doc.read_text(), tool.AGREEMENT_HEADER) == [
        {'backend': 'ort', 'ran': 'f32', 'max |Δlogit|': '1e-5', 'mean Δkpt (input px)': '0',
         'keypoints compared': '100 %'}]
    with pytest.raises(ValueError, match='ours ms'):
        tool.main(['--doc', str(doc), '--out-dir', str(tmp_path / 'out')])
    assert not (tmp_path / 'out').exists()
