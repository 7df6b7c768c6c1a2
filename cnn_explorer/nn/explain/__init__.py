"""Explaining a trained network: attribution maps of one image, and what one filter looks for.

``saliency``, ``grad_cam`` and ``occlusion`` answer "why this class for this image?";
``maximize_activation``, ``top_images`` and ``filter_weights`` answer "what does this filter
respond to?". All take the engine's ``Sequential`` and use its own backward pass.
"""

from .attribution import grad_cam, occlusion, probabilities, saliency, upsample
from .checks import conv_layers
from .filters import filter_weights, maximize_activation, receptive_field, top_images

__all__ = ["saliency", "grad_cam", "occlusion", "probabilities", "upsample", "conv_layers",
           "maximize_activation", "top_images", "receptive_field",
           "filter_weights"]
