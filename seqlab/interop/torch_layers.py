"""PyTorch modules for seqlab's feed-forward layers (imports torch: used by ``to_torch``).

Every module keeps seqlab's layout, channels last: sequences are (B, T, D)
tensors, as in seqlab and Keras. Each computes what its seqlab layer computes:

    Dense            y = act(x · weightᵀ + bias)                   an nn.Linear
    Embedding        y = weight[ids]                                an nn.Embedding
    Conv1D           y = act(conv1d(pad(x))), Keras padding         an nn.Conv1d
                     "valid", "same" (the extra step on the right), "causal"
    MaxPooling1D     max over each window; "same" padding never wins
    AveragePooling1D mean over the real steps of each window
    Global*Pooling1D over the unmasked steps; a fully masked row gives 0
    Activation, Dropout, Flatten, Reshape, RepeatVector, TimeDistributed

Activations: tanh, sigmoid, hard_sigmoid = clip(0.2 x + 0.5, 0, 1), relu,
softmax (last axis), linear. Dropout draws from torch's generator, so its masks
differ from seqlab's; ``noise_shape`` shares one mask along its size-1 axes.

Masks follow Keras (:class:`Masking`): Dense, Activation, Dropout and
TimeDistributed pass the padding mask on, Embedding(mask_zero=True) makes it,
the global poolings read it, the others drop it.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from seqlab.functional.conv import conv_geometry
from seqlab.functional.pooling import pool_geometry


def activate(name: str, x: torch.Tensor) -> torch.Tensor:
    """seqlab's activation ``name`` on a tensor."""
    if name == "linear":
        return x
    if name == "tanh":
        return torch.tanh(x)
    if name == "sigmoid":
        return torch.sigmoid(x)
    if name == "hard_sigmoid":
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)
    if name == "relu":
        return torch.relu(x)
    if name == "softmax":
        return torch.softmax(x, dim=-1)
    raise ValueError(f"unknown activation {name!r}")


def dropout_mask(shape: tuple[int, ...], rate: float, like: torch.Tensor) -> torch.Tensor:
    """Inverted dropout's multiplier: 0 with probability ``rate``, else 1 / (1 − rate)."""
    keep = torch.full(shape, 1.0 - rate, dtype=like.dtype, device=like.device)
    return torch.bernoulli(keep) / (1.0 - rate)


class Masking:
    """How a module treats the padding mask (B, T) (Keras' ``supports_masking``).

    ``reads_mask``: ``forward`` takes ``mask=``; ``passes_mask``: the output has
    the input's mask. ``output_mask`` gives the mask of the output (a list for
    several outputs)."""

    reads_mask = False
    passes_mask = False

    def output_mask(self, inputs: Any, mask: torch.Tensor | None) -> Any:
        return mask if self.passes_mask else None


class Dense(Masking, nn.Linear):
    passes_mask = True

    def __init__(self, layer: Any):
        nn.Linear.__init__(self, layer.kernel.shape[0], layer.units, bias=layer.use_bias)
        self.activation = layer.activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return activate(self.activation, super().forward(x))

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, activation={self.activation!r}"


class Embedding(Masking, nn.Embedding):
    """ids (any integer dtype, or floats holding whole numbers) → vectors; with
    ``mask_zero`` the output mask is ``ids != 0``."""

    def __init__(self, layer: Any):
        nn.Embedding.__init__(self, layer.input_dim, layer.output_dim)
        self.mask_zero = layer.mask_zero
        self.layer_name = layer.name

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        who = f"layer {self.layer_name!r} (Embedding)"
        if ids.is_floating_point() and not torch.equal(ids, torch.round(ids)):
            raise ValueError(f"{who}: ids must be whole numbers, got fractional values")
        if ids.dtype == torch.bool or ids.is_complex():
            raise TypeError(f"{who}: ids must be integers, got dtype {ids.dtype}")
        ids = ids.long()
        if ids.numel() and (int(ids.min()) < 0 or int(ids.max()) >= self.num_embeddings):
            raise ValueError(f"{who}: ids must be in [0, {self.num_embeddings}), got values "
                             f"from {int(ids.min())} to {int(ids.max())}")
        return super().forward(ids)

    def output_mask(self, inputs: Any, mask: torch.Tensor | None) -> torch.Tensor | None:
        return inputs != 0 if self.mask_zero else None

    def extra_repr(self) -> str:
        return f"{super().extra_repr()}, mask_zero={self.mask_zero}"


class Conv1D(Masking, nn.Conv1d):
    """x (B, T, D) → y (B, T', F) with Keras' padding rules (computed for each T)."""

    def __init__(self, layer: Any):
        K, D, filters = layer.kernel.shape
        nn.Conv1d.__init__(self, D, filters, K, stride=layer.strides,
                           dilation=layer.dilation_rate, bias=layer.use_bias)
        self.keras_padding = layer.padding
        self.activation = layer.activation
        self.layer_name = layer.name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        geo = conv_geometry(x.shape[1], self.kernel_size[0], self.keras_padding,
                            self.stride[0], self.dilation[0],
                            who=f"layer {self.layer_name!r} (Conv1D)")
        x = F.pad(x.transpose(1, 2), (geo.pad_left, geo.pad_right))  # (B, D, T + p)
        z = F.conv1d(x, self.weight, self.bias, self.stride, 0, self.dilation)  # (B, F, T')
        return activate(self.activation, z.transpose(1, 2))  # (B, T', F)

    def extra_repr(self) -> str:
        return (f"{super().extra_repr()}, keras_padding={self.keras_padding!r}, "
                f"activation={self.activation!r}")


class Pooling1D(Masking, nn.Module):
    """MaxPooling1D (``kind="max"``) or AveragePooling1D (``kind="average"``)."""

    def __init__(self, layer: Any, kind: str):
        super().__init__()
        self.kind, self.pool_size, self.strides = kind, layer.pool_size, layer.strides
        self.padding, self.layer_name = layer.padding, layer.name

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        geo = pool_geometry(x.shape[1], self.pool_size, self.strides, self.padding,
                            who=f"layer {self.layer_name!r}")
        pads = (geo.pad_left, geo.pad_right)
        xc = x.transpose(1, 2)  # (B, D, T)
        if self.kind == "max":
            y = F.max_pool1d(F.pad(xc, pads, value=float("-inf")), self.pool_size, self.strides)
        else:  # the mean of each window's real steps: window sums over real-step counts
            real = F.pad(torch.ones_like(xc[:1, :1]), pads)  # (1, 1, T + p)
            y = (F.avg_pool1d(F.pad(xc, pads), self.pool_size, self.strides)
                 / F.avg_pool1d(real, self.pool_size, self.strides))
        return y.transpose(1, 2)  # (B, T', D)

    def extra_repr(self) -> str:
        return (f"kind={self.kind!r}, pool_size={self.pool_size}, strides={self.strides}, "
                f"padding={self.padding!r}")


class GlobalPooling1D(Masking, nn.Module):
    """x (B, T, D) → (B, D) (or (B, 1, D) with keepdims), over the unmasked steps."""

    reads_mask = True

    def __init__(self, layer: Any, kind: str):
        super().__init__()
        self.kind, self.keepdims = kind, layer.keepdims

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        if mask is None:
            y = x.max(dim=1).values if self.kind == "max" else x.mean(dim=1)
        else:
            m = mask.bool()[:, :, None]  # (B, T, 1)
            count = m.sum(dim=1)  # (B, 1)
            if self.kind == "max":
                y = torch.where(count > 0, x.masked_fill(~m, float("-inf")).max(dim=1).values,
                                x.new_zeros(()))
            else:
                y = (x * m).sum(dim=1) / count.clamp(min=1)
        return y[:, None, :] if self.keepdims else y

    def extra_repr(self) -> str:
        return f"kind={self.kind!r}, keepdims={self.keepdims}"


class Activation(Masking, nn.Module):
    passes_mask = True

    def __init__(self, layer: Any):
        super().__init__()
        self.activation = layer.activation

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return activate(self.activation, x)

    def extra_repr(self) -> str:
        return repr(self.activation)


class Dropout(Masking, nn.Module):
    """Inverted dropout while training; ``noise_shape`` (None entries: the input's
    size) shares one mask along its size-1 axes."""

    passes_mask = True

    def __init__(self, layer: Any):
        super().__init__()
        self.rate, self.noise_shape = layer.rate, layer.noise_shape

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.rate == 0:
            return x
        if self.noise_shape is None:
            return F.dropout(x, self.rate, training=True)
        shape = tuple(x.shape[i] if d is None else d for i, d in enumerate(self.noise_shape))
        return x * dropout_mask(shape, self.rate, x)

    def extra_repr(self) -> str:
        return f"rate={self.rate}, noise_shape={self.noise_shape}"


class Flatten(Masking, nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], -1)  # (B, d1·d2·...)


class Reshape(Masking, nn.Module):
    def __init__(self, layer: Any):
        super().__init__()
        self.target_shape = tuple(layer.target_shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape(x.shape[0], *self.target_shape)


class RepeatVector(Masking, nn.Module):
    def __init__(self, layer: Any):
        super().__init__()
        self.n = layer.n

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x[:, None, :].expand(-1, self.n, -1)  # (B, D) → (B, n, D)


class TimeDistributed(Masking, nn.Module):
    """The inner module on every step: (B, T, ...) folded to (B·T, ...) and back."""

    passes_mask = True

    def __init__(self, inner: nn.Module):
        super().__init__()
        self.layer = inner

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T = x.shape[:2]
        y = self.layer(x.reshape(B * T, *x.shape[2:]))  # (B·T, ...')
        return y.reshape(B, T, *y.shape[1:])  # (B, T, ...')
