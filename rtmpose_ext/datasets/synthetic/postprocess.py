"""Camera-like degradations of a rendered picture: contrast/brightness, blur, sensor noise."""
import cv2
import numpy as np


def degrade(rng: np.random.Generator, image: np.ndarray, blur_prob: float = 0.3,
            max_blur_sigma: float = 1.2, max_noise_sigma: float = 6.) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W, 3) uint8: gain in [0.75, 1.25] and offset in [-25, 25] (grey
    levels), Gaussian blur with probability ``blur_prob`` (sigma up to ``max_blur_sigma`` px), then
    zero-mean sensor noise (uniformly distributed, faster to draw than Gaussian) whose standard
    deviation is uniform in [0, ``max_noise_sigma``] grey levels."""
    levels = np.arange(256, dtype=np.float32) * rng.uniform(0.75, 1.25) + rng.uniform(-25, 25)
    img = cv2.LUT(image, np.clip(levels + 0.5, 0, 255).astype(np.uint8))
    if rng.random() < blur_prob:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, max_blur_sigma))
    sigma = rng.uniform(0, max_noise_sigma)
    if sigma > 0.5:
        noisy = rng.random(img.shape, dtype=np.float32)
        noisy -= 0.5
        noisy *= sigma * np.sqrt(12.)                  # std of U(-0.5, 0.5) is 1 / sqrt(12)
        noisy += img
        noisy += 0.5
        img = np.clip(noisy, 0, 255, out=noisy).astype(np.uint8)
    return img
