# RTMPose-l, COCO, 256x192 input: RTMPose-t's recipe (rtmpose-t_8xb256-420e_coco-256x192.py: data,
# codec, RTMCC head, schedule, EMA, two-stage augmentation) with the larger CSPNeXt-l backbone.
# Published (RTMPose paper / mmpose model zoo): 27.66M params, 4.16G FLOPs (multiply-adds) at 256x192.
_base_ = ['./rtmpose-t_8xb256-420e_coco-256x192.py']

# ---------------------------------------------------------------- model
# The official recipe starts from a CSPNeXt-l backbone pre-trained on AIC+COCO; set its path here
# (https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/
#  cspnext-l_udp-aic-coco_210e-256x192-273b7631_20230130.pth).
backbone_checkpoint = None
model = dict(
    backbone=dict(
        deepen_factor=1.,
        widen_factor=1.,
        init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=backbone_checkpoint)
                  if backbone_checkpoint else None)),
    head=dict(in_channels=1024))
