"""Helpers shared by the side-by-side benchmarks in tools/ (imported as ``bench_common``: a script's own
folder is on ``sys.path`` when it runs as ``python tools/<script>.py``)."""
import time


def check_positive(parser, args, names) -> None:
    """``parser.error`` naming the first of ``names`` (argparse destinations) set below 1."""
    for name in names:
        value = getattr(args, name)
        if value is not None and value < 1:
            parser.error(f'--{name}: expected an integer >= 1, got {value}')


def time_alternating(fns: dict, repeats: int, warmup: int = 3) -> dict:
    """{name: [seconds]} of each closure in ``fns``, called in turn ``repeats`` times after ``warmup``
    untimed rounds (alternating, so that load on the machine falls on every variant alike)."""
    times = {name: [] for name in fns}
    for i in range(warmup + repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            if i >= warmup:
                times[name].append(time.perf_counter() - start)
    return times
