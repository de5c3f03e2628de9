# CSPNeXt-m backbone pre-training with UDP heatmaps, COCO, 256x192 input: CSPNeXt-t's recipe
# (cspnext-t_udp_8xb256-210e_coco-256x192.py: data, UDPHeatmap codec, HeatmapHead, schedule, EMA,
# two-stage augmentation) with the CSPNeXt-m backbone (768 channels into the head). Its backbone
# (tools/extract_backbone.py) is what ../rtmpose/rtmpose-m_8xb256-420e_coco-256x192.py starts from.
_base_ = ['./cspnext-t_udp_8xb256-210e_coco-256x192.py']

# ---------------------------------------------------------------- model
# mmpose's recipe starts this from an ImageNet CSPNeXt-m (https://download.openmmlab.com/mmdetection/v3.0/
# rtmdet/cspnext_rsb_pretrain/cspnext-m_8xb256-rsb-a1-600e_in1k-ecb3bbd9.pth); set its path here.
imagenet_checkpoint = None
model = dict(
    backbone=dict(
        deepen_factor=0.67,
        widen_factor=0.75,
        init_cfg=(dict(type='Pretrained', prefix='backbone.', checkpoint=imagenet_checkpoint)
                  if imagenet_checkpoint else None)),
    head=dict(in_channels=768))
