"""Scale: element-wise multiplication by a learnable vector (the GAU's residual-branch scale)."""
import torch
from torch import Tensor, nn


class Scale(nn.Module):
    """Multiply the last dimension by a learnable vector ``scale`` (state-dict key ``scale``).

    Args:
        dim (int): Length of the scale vector.
        init_value (float): Initial value of every element. Defaults to 1.0.
        trainable (bool): Whether the vector is trained (``requires_grad``). Defaults to True.
    """

    def __init__(self, dim: int, init_value: float = 1., trainable: bool = True):
        super().__init__()
        self.scale = nn.Parameter(init_value * torch.ones(dim), requires_grad=trainable)

    def forward(self, x: Tensor) -> Tensor:
        """Return ``x * scale``."""
        return x * self.scale
