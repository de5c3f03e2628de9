# RTMPose-m, COCO, 256x192 input: RTMPose-t's recipe (rtmpose-t_8xb256-420e_coco-256x192.py: data,
# codec, RTMCC head, schedule, EMA, two-stage augmentation) with the larger CSPNeXt-m backbone.
# Published (RTMPose paper / mmpose model zoo): 13.59M params, 1.93G FLOPs (multiply-adds) at 256x192.
_base_ = ['./rtmpose-t_8xb256-420e_coco-256x192.py']

# ---------------------------------------------------------------- model
# The official recipe starts from a CSPNeXt-m backbone pre-trained on AIC+COCO; set its path here
# (https://download.openmmlab.com/mmpose/v1/projects/rtmposev1/
#  cspnext-m_udp-aic-coco_210e-256x192-f2f7d6f6_20230130.pth).
backbone_checkpoint = None
model = dict(
    backbone=dict(
        deepen_factor=0.67,
        widen_factor=0.75,
        init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=backbone_checkpoint)
                  if backbone_checkpoint else None)),
    head=dict(in_channels=768))
