"""Draw docs/deployment.md's backend-agreement and latency tables as pictures for the docs.

    python tools/plot_deploy_tables.py [--doc docs/deployment.md] [--out-dir docs/images]

Reads the two tables from the page itself (so a picture never shows other numbers than its table) and
writes ``deploy_agreement.png`` (largest logit difference to PyTorch fp32 per backend, log scale) and
``deploy_latency.png`` (network time per crop, ours beside the same weights exported through mmpose's
classes). The figures were measured by ``pytest tests/test_deploy_convert.py -s`` and
``python tools/benchmark_deploy.py``; this script measures nothing.
"""
import argparse
import os
import os.path as osp
import re
import sys
from typing import Dict, List

AGREEMENT_HEADER = ('backend', 'ran', 'max |Δlogit|', 'mean Δkpt (input px)', 'keypoints compared')
PRECISION_COLOURS = {'f32': 'tab:blue', 'f16': 'tab:orange', 'bf16': 'tab:green'}
LATENCY_HEADER = ('model', 'backend', 'batch', 'ours ms', 'mmpose ms', 'ours / mmpose')


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--doc', default=osp.join('docs', 'deployment.md'), help='page holding the two tables')
    p.add_argument('--out-dir', default=osp.join('docs', 'images'), help='folder for the two pictures')
    return p.parse_args(argv)


def _cells(line: str) -> List[str]:
    """Cells of a markdown table row, ``\\|`` read as a literal bar and ``**`` dropped."""
    cells = re.split(r'(?<!\\)\|', line.strip().strip('|'))
    return [c.replace('\\|', '|').replace('**', '').strip() for c in cells]


def read_table(text: str, header: tuple) -> List[Dict[str, str]]:
    """The rows (header cell -> value) of the first table in ``text`` whose header is ``header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith('|') and tuple(_cells(line)) == header:
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith('|'):
                    break
                rows.append(dict(zip(header, _cells(row))))
            return rows
    raise ValueError(f'no table with the header {" | ".join(header)!r} found; the plot reads that table')


def plot_agreement(rows: List[Dict[str, str]], path: str) -> None:
    import matplotlib.pyplot as plt
    rows = rows[::-1]
    ys = range(len(rows))
    diffs = [float(r['max |Δlogit|']) for r in rows]
    fig, ax = plt.subplots(figsize=(8.5, 0.4 * len(rows) + 1.4))
    ax.scatter(diffs, ys, s=40, zorder=3, color=[PRECISION_COLOURS.get(r['ran'], 'tab:gray') for r in rows])
    for y, d, r in zip(ys, diffs, rows):
        ax.annotate(f"ran {r['ran']}: {r['max |Δlogit|']}, keypoints {r['mean Δkpt (input px)']} px", (d, y),
                    xytext=(8, -3), textcoords='offset points', fontsize=8)
    ax.set_yticks(list(ys), [r['backend'] for r in rows], fontsize=8)
    ax.set_xscale('log')
    ax.set_xlim(1e-6, 3e1)  # room for the labels right of the points
    ax.grid(axis='x', alpha=0.3)
    ax.set_xlabel('largest logit difference to PyTorch fp32 (log scale)')
    ax.set_title('exported RTMPose-t vs PyTorch, 4 crops (pytest tests/test_deploy_convert.py -s)',
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_latency(rows: List[Dict[str, str]], path: str) -> None:
    import matplotlib.pyplot as plt
    models = list(dict.fromkeys(r['model'] for r in rows))
    backends = list(dict.fromkeys(r['backend'] for r in rows))
    batches = list(dict.fromkeys(r['batch'] for r in rows))
    fig, axes = plt.subplots(1, len(batches), figsize=(5 * len(batches), 3.6), squeeze=False)
    width = 0.8 / (2 * len(backends))
    for ax, batch in zip(axes[0], batches):
        for b, backend in enumerate(backends):
            for side, (key, alpha) in enumerate((('ours ms', 1.0), ('mmpose ms', 0.4))):
                per_crop = [float(r[key]) / int(batch) for m in models for r in rows
                            if (r['model'], r['backend'], r['batch']) == (m, backend, batch)]
                xs = [i + (2 * b + side - len(backends) + 0.5) * width for i in range(len(per_crop))]
                ax.bar(xs, per_crop, width, color=f'C{b}', alpha=alpha,
                       label=f'{backend} ({"ours" if side == 0 else "mmpose"})')
        ax.set_xticks(range(len(models)), models)
        ax.set_ylabel('ms per crop (1 thread)')
        ax.set_title(f'batch {batch}', fontsize=9)
    axes[0][0].legend(fontsize=7, ncol=1)
    fig.suptitle('network time per crop, ours vs mmpose export (python tools/benchmark_deploy.py)',
                 fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv=None) -> int:
    args = parse_args(argv)
    with open(args.doc, encoding='utf-8') as f:
        text = f.read()
    agreement, latency = read_table(text, AGREEMENT_HEADER), read_table(text, LATENCY_HEADER)
    import matplotlib
    matplotlib.use('Agg')
    os.makedirs(args.out_dir, exist_ok=True)
    for name, draw, rows in (('deploy_agreement.png', plot_agreement, agreement),
                             ('deploy_latency.png', plot_latency, latency)):
        draw(rows, osp.join(args.out_dir, name))
        print(osp.join(args.out_dir, name))
    return 0


if __name__ == '__main__':
    sys.exit(main())
