"""Collect and check the commands that README.md, docs/*.md and projects/*/README.md show.

A command is a line (continuations joined) of a fenced ``bash``/``sh``/``shell``/``console`` block, a
``$``/``make``/``python`` line of a fenced block without language, or an inline code span starting
with ``make``, ``python``, ``pytest``, ``mim`` or ``torchrun``. Each is checked statically here
(:func:`check_command`: make targets exist, repository paths exist, ``mim`` config names exist) and
names its Python entry points (``python -m MODULE``, ``python tools/X.py``), whose ``--help`` is run
by :func:`run_help` in one fresh interpreter (``python tests/docs_commands_support.py TARGET...``), so
that ``import rtmpose_ext`` is paid once and no tool changes the test process. Relative links and
pictures must point at existing files and headings (:func:`link_problems`).
"""
import glob
import importlib.util
import io
import json
import os.path as osp
import re
import runpy
import shlex
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
DOC_GLOBS = ('README.md', 'docs/*.md', 'projects/*/README.md')
SHELL_LANGS = {'bash', 'sh', 'shell'}
COMMAND_WORDS = ('make', 'python', 'pytest', 'mim', 'torchrun')
# Top-level entries whose paths a command may name; a path under one of them must exist.
REPO_DIRS = ('.ci/', 'configs/', 'docs/', 'projects/', 'requirements/', 'rtmpose_ext/', 'tests/', 'tools/')
FENCE = re.compile(r'^```\s*([\w-]*)\s*$')
INLINE = re.compile(r'(?<!`)`([^`]+)`(?!`)')
PYTHON = re.compile(r'^(\S*/)?python(3(\.\d+)?)?$')

# A help target: ('module', 'rtmpose_ext.demo') or ('script', 'tools/train.py').
Target = Tuple[str, str]


@dataclass(frozen=True)
class Command:
    source: str          # 'docs/demo.md:12'
    text: str            # the command line as written (continuations joined)


def doc_files(repo: str = REPO) -> List[str]:
    """The documentation files whose commands are checked, relative to ``repo``."""
    found = [p for g in DOC_GLOBS for p in sorted(glob.glob(osp.join(repo, g)))]
    return [osp.relpath(p, repo) for p in found]


def _join_continuations(numbered: Sequence[Tuple[int, str]]) -> List[Tuple[int, str]]:
    out: List[Tuple[int, str]] = []
    pending = None
    for number, line in numbered:
        if pending is not None:
            pending = (pending[0], pending[1] + ' ' + line.strip())
        else:
            pending = (number, line.strip())
        if pending[1].endswith('\\'):
            pending = (pending[0], pending[1][:-1].rstrip())
        else:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return [(n, t) for n, t in out if t and not t.startswith('#')]


def _block_commands(lang: str, numbered: List[Tuple[int, str]]) -> List[Tuple[int, str]]:
    lines = _join_continuations(numbered)
    prompted = [(n, t[1:].strip()) for n, t in lines if t.startswith('$ ')]
    if lang in SHELL_LANGS:
        return prompted or lines
    if lang not in ('', 'console'):
        return []
    return prompted or [(n, t) for n, t in lines if t.split()[0] == 'make' or PYTHON.match(t.split()[0])]


def commands_in(text: str, name: str) -> List[Command]:
    """Every command of one markdown text (``name`` for the ``source`` field)."""
    found: List[Tuple[int, str]] = []
    lines = text.splitlines()
    prose = list(lines)
    i = 0
    while i < len(lines):
        fence = FENCE.match(lines[i])
        if not fence:
            i += 1
            continue
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith('```')), len(lines))
        found += _block_commands(fence.group(1).lower(), [(j + 1, lines[j]) for j in range(i + 1, end)])
        prose[i:end + 1] = [''] * (min(end, len(lines) - 1) + 1 - i)
        i = end + 1
    prose_text = '\n'.join(prose)
    for match in INLINE.finditer(prose_text):
        span = ' '.join(match.group(1).split())
        words = span.split()
        if words and words[0] == 'time':
            words = words[1:]
        if len(words) >= 2 and (words[0] in COMMAND_WORDS or PYTHON.match(words[0])):
            found.append((prose_text.count('\n', 0, match.start()) + 1, span))
    return [Command(f'{name}:{n}', t) for n, t in sorted(found)]


def collect(repo: str = REPO) -> List[Command]:
    out: List[Command] = []
    for rel in doc_files(repo):
        with open(osp.join(repo, rel), encoding='utf-8') as f:
            out += commands_in(f.read(), rel)
    return out


LINK = re.compile(r'\]\(([^)\s]+)\)')


def heading_anchors(text: str) -> set:
    """GitHub's anchors of a markdown text's headings: lower case, punctuation dropped, spaces -> '-'."""
    anchors = set()
    for heading in re.findall(r'(?m)^#{1,6}\s+(.+?)\s*#*\s*$', re.sub(r'(?ms)^```.*?^```', '', text)):
        anchors.add(re.sub(r'[^\w\- ]', '', heading.lower()).replace(' ', '-'))
    return anchors


def link_problems(rel: str, repo: str = REPO) -> List[str]:
    """Relative links and pictures of one doc file whose file or ``#anchor`` does not exist."""
    with open(osp.join(repo, rel), encoding='utf-8') as f:
        text = f.read()
    problems = []
    for target in LINK.findall(re.sub(r'(?ms)^```.*?^```', '', text)):
        if re.match(r'^[a-z]+:', target):
            continue
        path, _, anchor = target.partition('#')
        full = osp.normpath(osp.join(repo, osp.dirname(rel), path)) if path else osp.join(repo, rel)
        if not osp.exists(full):
            problems.append(f'{rel}: link {target!r}: {osp.relpath(full, repo)!r} does not exist')
        elif anchor and full.endswith('.md'):
            with open(full, encoding='utf-8') as f:
                if anchor not in heading_anchors(f.read()):
                    problems.append(f'{rel}: link {target!r}: no heading with anchor #{anchor}')
    return problems


def split_simple(text: str) -> List[List[str]]:
    """The simple commands of a command line (split at ``&&``, ``||``, ``;``, ``|``), as words, with
    comments, ``time``, leading ``VAR=value`` assignments and optional-argument brackets removed."""
    lexer = shlex.shlex(text, posix=True, punctuation_chars=';&|')
    lexer.whitespace_split = True
    lexer.commenters = '#'
    simple: List[List[str]] = [[]]
    for token in lexer:
        if token and set(token) <= set(';&|'):
            simple.append([])
            continue
        token = token.strip('[]')
        if token:
            simple[-1].append(token)
    result = []
    for words in simple:
        while words and (words[0] == 'time' or re.match(r'^[A-Z_][A-Z0-9_]*=', words[0])):
            words = words[1:]
        if words:
            result.append(words)
    return result


def make_targets(repo: str = REPO) -> set:
    with open(osp.join(repo, 'Makefile'), encoding='utf-8') as f:
        return {m.group(1) for m in re.finditer(r'(?m)^([A-Za-z0-9_.-]+)\s*:(?!=)', f.read())} - {'.PHONY'}


def _path_problems(words: Sequence[str], repo: str) -> List[str]:
    problems = []
    for word in words:
        for part in word.split('='):
            part = part.rstrip('.,:;)')
            if '$' in part:  # a shell variable: the path is only known when the command runs
                continue
            if part.startswith(REPO_DIRS) and not glob.glob(osp.join(repo, part)):
                problems.append(f'{part!r} does not exist in the repository')
    return problems


def _python_target(words: Sequence[str], repo: str) -> Tuple[List[Target], List[str]]:
    """The entry point of ``python [-u] (-m MODULE | SCRIPT.py) ...`` (words[0] is the interpreter)."""
    rest = [w for w in words[1:] if w not in ('-u', '-O', '-B')]
    if not rest or rest[0] == '-c':
        return [], []
    if rest[0] == '-m':
        if len(rest) < 2:
            return [], ['python -m without a module']
        return [('module', rest[1])], []
    if rest[0].endswith('.py'):
        if not osp.isfile(osp.join(repo, rest[0])):
            return [], [f'script {rest[0]!r} does not exist in the repository']
        return [('script', rest[0])], []
    return [], []


def _mim_problems(words: Sequence[str], repo: str) -> List[str]:
    """``mim train|test rtmpose_ext CONFIG``: a bare config file name must be one of our configs."""
    if len(words) < 4 or words[1] not in ('train', 'test') or words[2] != 'rtmpose_ext':
        return []
    config = words[3]
    known = glob.glob(osp.join(repo, 'configs', '**', config), recursive=True)
    if config.endswith('.py') and '/' not in config and not known:
        return [f'mim config {config!r} is not among configs/']
    return []


def check_command(text: str, repo: str = REPO, targets: set = None) -> Tuple[List[str], List[Target]]:
    """Problems found without running anything, and the help targets the command names."""
    targets = make_targets(repo) if targets is None else targets
    problems: List[str] = []
    help_targets: List[Target] = []
    for words in split_simple(text):
        problems += _path_problems(words, repo)
        if words[0] == 'make':
            problems += [f'make target {w!r} is not in the Makefile' for w in words[1:]
                         if not w.startswith('-') and '=' not in w and w not in targets]
        elif words[0] == 'mim':
            problems += _mim_problems(words, repo)
        start = next((k for k, w in enumerate(words) if PYTHON.match(w)), None)
        if start is None and words[0] == 'torchrun':
            script = next((w for w in words if w.endswith('.py')), None)
            start, words = (0, ['python', script]) if script else (None, words)
        if start is not None:
            found, bad = _python_target(words[start:], repo)
            help_targets += found
            problems += bad
    return problems, help_targets


def _help_one(kind: str, name: str) -> Tuple[int, str]:
    """Run ``name --help`` in this process; (exit status, the end of its output)."""
    out = io.StringIO()
    argv, path = sys.argv, list(sys.path)
    try:
        with redirect_stdout(out), redirect_stderr(out):
            if kind == 'module':
                if importlib.util.find_spec(name.split('.')[0]) is None or (
                        not name.startswith('rtmpose_ext') and importlib.util.find_spec(name) is None):
                    return 1, f'no module named {name!r}'
                if not name.startswith('rtmpose_ext'):
                    return 0, 'found (not ours: --help not run)'
                sys.argv = [name, '--help']
                runpy.run_module(name, run_name='__main__', alter_sys=True)
            else:
                script = osp.join(REPO, name)
                sys.argv = [script, '--help']
                sys.path.insert(0, osp.dirname(script))
                runpy.run_path(script, run_name='__main__')
        return 1, out.getvalue()[-2000:] + '\n(--help returned without exiting)'
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        return code, out.getvalue()[-2000:]
    except BaseException as e:  # noqa: B902 - any failure of a tool's --help is reported, not raised
        return 1, out.getvalue()[-2000:] + f'\n{type(e).__name__}: {e}'
    finally:
        sys.argv, sys.path[:] = argv, path


def run_help(targets: Sequence[Target], timeout: float = 600) -> Dict[Target, Tuple[int, str]]:
    """``--help`` of every target, in one fresh interpreter: target -> (exit status, output tail)."""
    args = [f'{kind}:{name}' for kind, name in targets]
    proc = subprocess.run([sys.executable, osp.abspath(__file__), *args], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f'the --help runner failed ({proc.returncode}):\n{proc.stderr[-3000:]}')
    results = json.loads(proc.stdout.strip().splitlines()[-1])
    return {tuple(k.split(':', 1)): tuple(v) for k, v in results.items()}


def main(argv: Sequence[str]) -> int:
    import warnings
    warnings.simplefilter('ignore')  # runpy's "found in sys.modules" and the stack's deprecations
    import rtmpose_ext  # noqa: F401  (once, before mmpose.apis, as every tool does)
    results = {arg: _help_one(*arg.split(':', 1)) for arg in argv}
    sys.stdout.write('\n' + json.dumps(results) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
