# As ./pose-detection_simcc_rknn-int8_static-256x192.py, for the RK3566.
_base_ = ['./pose-detection_simcc_rknn-int8_static-256x192.py']
backend_config = dict(common_config=dict(target_platform='rk3566'))
