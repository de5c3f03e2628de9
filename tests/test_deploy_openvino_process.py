"""OpenVINO engines in a process that goes on to train: engines created and destroyed, then an mmengine
Runner with a persistent DataLoader worker (as the test suite does when training tests follow the
deployment tests). With a Core of its own per engine, this crashed the process (SIGSEGV) once the last
compiled model was gone; the runtime keeps one Core for the process. Run in a child process so that a
crash fails this test only."""
import os.path as osp
import subprocess
import sys
import textwrap

import rtmpose_ext  # noqa: F401

from test_deploy_support import OPENVINO, converted

SCRIPT = textwrap.dedent('''
    import sys
    sys.path.insert(0, {tests!r})
    import rtmpose_ext
    from rtmpose_ext.deploy.runtime import ModelInfo, PoseEstimator, create_engine
    from toy_runner import ToyDataset, make_toy_runner

    def engines():
        estimator = PoseEstimator({work_dir!r})
        hinted = create_engine(ModelInfo.from_work_dir({work_dir!r}), precision_hint='f32')
        return estimator.precision, hinted.precision

    print(engines())
    loader = dict(dataset=ToyDataset(), sampler=dict(type='DefaultSampler', shuffle=True), batch_size=4,
                  num_workers=1, persistent_workers=True, collate_fn=dict(type='default_collate'))
    make_toy_runner({tmp!r}, max_epochs=2, train_dataloader=loader).train()
    print('trained')
''')


def test_openvino_engines_then_training_with_a_worker_process(tmp_path):
    script = SCRIPT.format(tests=osp.dirname(osp.abspath(__file__)), work_dir=converted(OPENVINO).work_dir,
                           tmp=str(tmp_path))
    proc = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f'exit {proc.returncode}:\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}'
    assert "('f32', 'f32')" in proc.stdout and 'trained' in proc.stdout
