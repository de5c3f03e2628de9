"""Every command README.md and the docs show exists: make targets, repository paths, mim config names,
and ``--help`` of each Python entry point (run once each, in one fresh interpreter); every relative
link points at an existing file and heading. The checker itself must catch a typo'd module, a missing
file and a missing make target."""
import pytest

from docs_commands_support import (Command, check_command, collect, commands_in, doc_files, link_problems,
                                   make_targets, run_help, split_simple)

COMMANDS = collect()
TARGETS = make_targets()
STATIC = {c: check_command(c.text, targets=TARGETS) for c in COMMANDS}
# Deliberately broken entry points, run in the same interpreter as the real ones.
BROKEN = [('module', 'rtmpose_ext.demoo'), ('module', 'rtmpose_ext_typo.deploy'), ('module', 'no_such_pkg_x')]


@pytest.fixture(scope='module')
def help_results():
    wanted = sorted({t for _, found in STATIC.values() for t in found} | set(BROKEN))
    return run_help(wanted)


def test_docs_show_commands():
    assert {'README.md', 'docs/install.md', 'docs/demo.md'} <= set(doc_files())
    assert len(COMMANDS) > 40, [c.text for c in COMMANDS]
    readme = [c.text for c in COMMANDS if c.source.startswith('README.md:')]
    assert 'make test' in readme and 'make demo' in readme


@pytest.mark.parametrize('command', COMMANDS, ids=[c.source for c in COMMANDS])
def test_command(command: Command, help_results):
    problems, targets = list(STATIC[command][0]), STATIC[command][1]
    for target in targets:
        code, output = help_results[target]
        if code != 0:
            problems.append(f'{" ".join(target)} --help exited {code}:\n{output}')
    assert not problems, f'{command.source}: {command.text}\n' + '\n'.join(problems)


@pytest.mark.parametrize('rel', doc_files())
def test_links(rel):
    assert link_problems(rel) == []


def test_collects_blocks_inline_spans_and_continuations():
    text = '\n'.join([
        'Run `make bench` or `time make demo`; not `make`-like `cfg.make=1`.',
        '```bash', '# a comment', 'python -m rtmpose_ext.demo \\', '    --quick  # toy scale', '```',
        '```', '[1/3] output line', '$ make test', '```',
        '```python', 'python = 3', '```',
        '```text', 'make setup', '```',
    ])
    found = [(c.source, c.text) for c in commands_in(text, 'x.md')]
    assert found == [('x.md:1', 'make bench'), ('x.md:1', 'time make demo'),
                     ('x.md:4', 'python -m rtmpose_ext.demo --quick  # toy scale'), ('x.md:9', 'make test')]
    assert split_simple('git clone . /tmp/c && cd /tmp/c && time CI=true bash .ci/run  # setup') == [
        ['git', 'clone', '.', '/tmp/c'], ['cd', '/tmp/c'], ['bash', '.ci/run']]


def test_static_check_catches_missing_targets_files_and_configs():
    assert check_command('make test bench') == ([], [])
    assert check_command('make tset')[0] == ["make target 'tset' is not in the Makefile"]
    assert check_command('python tools/no_such_tool.py --x')[0] == [
        "'tools/no_such_tool.py' does not exist in the repository",
        "script 'tools/no_such_tool.py' does not exist in the repository"]
    assert check_command('pytest tests/test_nope.py -k x')[0] == [
        "'tests/test_nope.py' does not exist in the repository"]
    assert check_command('mim train rtmpose_ext rtmpose-x_nope.py')[0] == [
        "mim config 'rtmpose-x_nope.py' is not among configs/"]
    assert check_command('python -m rtmpose_ext.deploy configs/deploy/typo.py CFG none x.jpg')[0] == [
        "'configs/deploy/typo.py' does not exist in the repository"]
    # a path built from a shell variable is known only when the command runs: not checked
    assert check_command('python -m rtmpose_ext.deploy configs/deploy/x_$cfg.py CFG none x.jpg')[0] == []
    assert check_command('torchrun --nproc_per_node 2 tools/train.py CFG --launcher pytorch') == (
        [], [('script', 'tools/train.py')])
    assert check_command('srun -p P python -u tools/train.py CFG')[1] == [('script', 'tools/train.py')]


def test_help_runner_reports_typo_modules(help_results):
    for target in BROKEN:
        assert help_results[target][0] != 0, (target, help_results[target])
    assert help_results[('module', 'rtmpose_ext.demoo')][0] != 0


def test_link_check_catches_missing_files_and_anchors(tmp_path):
    (tmp_path / 'docs').mkdir()
    (tmp_path / 'docs' / 'a.md').write_text('# Title\n## Runtime API (`x.y`)\n')
    (tmp_path / 'README.md').write_text('[ok](docs/a.md#runtime-api-xy) [web](https://x.org/#y)\n'
                                        '[gone](docs/b.md) [bad](docs/a.md#nope) ![pic](docs/p.png)\n')
    assert link_problems('README.md', repo=str(tmp_path)) == [
        "README.md: link 'docs/b.md': 'docs/b.md' does not exist",
        "README.md: link 'docs/a.md#nope': no heading with anchor #nope",
        "README.md: link 'docs/p.png': 'docs/p.png' does not exist"]
