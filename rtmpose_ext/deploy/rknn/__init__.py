"""RKNN (Rockchip NPUs) with rknn-toolkit2 in its own environment (``.venv-rknn``, ``make setup-rknn``).

- :mod:`.job`: the script that environment runs: build (fp16, or int8 with a calibration list), export,
  the toolkit's PC simulator against ONNX Runtime, the per-layer accuracy analysis, and a request loop
  for evaluation. It imports no module of this package.
- :mod:`.toolkit`: where the toolkit's interpreter is, and running the job from the main environment.
- :mod:`.simulator`: an engine that evaluates an RKNN model in the simulator (``python -m
  rtmpose_ext.deploy.evaluate`` with an RKNN config).
"""
