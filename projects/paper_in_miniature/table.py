"""The markdown table of ``run_ablations.py``: each ablation's rows with AP per seed, the mean, the
difference to the paper's choice and a verdict against the spread between the reference's two seeds."""
import statistics
from typing import Dict, List, Optional


def row_aps(rows_key: str, results: Dict[tuple, dict]) -> Dict[int, float]:
    """{seed: AP} of a row (``run`` or ``run:evaluation``)."""
    run, _, kind = rows_key.partition(':')
    return {seed: r['metrics'][kind]['AP'] for (name, seed), r in sorted(results.items()) if name == run
            and kind in r['metrics']}


def seed_spread(results: Dict[tuple, dict]) -> Optional[float]:
    """|AP difference| between the reference's first two seeds (None until both ran)."""
    aps = list(row_aps('reference', results).values())
    return abs(aps[0] - aps[1]) if len(aps) >= 2 else None


def verdict(means: Dict[str, float], better: str, spread: Optional[float]) -> str:
    if better not in means or len(means) < 2:
        return 'not run yet'
    margin = means[better] - max(v for k, v in means.items() if k != better)
    if spread is None:
        return f'{"+" if margin >= 0 else ""}{margin:.3f} (no seed spread yet)'
    if abs(margin) <= spread:
        return f'within the seed spread ({margin:+.3f} vs {spread:.3f}): inconclusive'
    return 'reproduced' if margin > 0 else f'not reproduced: the other wins by {-margin:.3f}'


def ablation_lines(ablation, results, spread, command: str) -> List[str]:
    rows = {label: row_aps(key, results) for label, key in ablation.rows.items()}
    means = {label: statistics.mean(aps.values()) for label, aps in rows.items() if aps}
    lines = []
    for i, (label, aps) in enumerate(rows.items()):
        per_seed = ', '.join(f'{aps[s]:.3f} (seed {s})' for s in sorted(aps)) or 'not run yet'
        mean = f'{means[label]:.3f}' if label in means else ''
        delta = (f'{means[label] - means[ablation.better]:+.3f}' if label in means
                 and ablation.better in means and label != ablation.better else '')
        first = i == 0
        lines.append(f'| {ablation.name if first else ""} | {ablation.claim if first else ""} | '
                     f'{label}{" (paper)" if label == ablation.better else ""} | {per_seed} | {mean} | '
                     f'{delta} | {verdict(means, ablation.better, spread) if first else ""} | '
                     f'{f"`{command} --only {ablation.name}`" if first else ""} |')
    return lines


def write_table(ablations, results: Dict[tuple, dict], path: str, args) -> str:
    spread = seed_spread(results)
    command = 'python projects/paper_in_miniature/run_ablations.py' + (
        f' --backbone {args.backbone}' if args.backbone else '') + f' --epochs {args.epochs}' + (
        ' --toy' if args.toy else '')
    epochs = '1 epoch per run at toy scale' if args.toy else f'{args.epochs} epochs per run'
    header = [f'Val AP (COCO metric, ground-truth boxes, flip test) on the synthetic easy split after '
              f'{epochs}; spread between the '
              f'reference\'s two seeds: {"not measured yet" if spread is None else f"{spread:.3f}"}.',
              '',
              '| ablation | claim | variant | AP per seed | mean | vs paper | verdict | command |',
              '|---|---|---|---|---|---|---|---|']
    body = [line for a in ablations for line in ablation_lines(a, results, spread, command)]
    text = '\n'.join(header + body) + '\n'
    with open(path, 'w') as f:
        f.write(text)
    return text
