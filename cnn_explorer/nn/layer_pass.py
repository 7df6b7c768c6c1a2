"""A pass through a model layer by layer in inference mode, outside its fused blocks: what
attribution methods (saliency, Grad-CAM, activation maximisation) need from the engine."""

import numpy as np


def backpropagate(model, x, output_grad, layer=None, watch=()):
    """Run ``x`` forward and send any gradient of an output back to the input.

    The pass runs layer by layer in inference mode (no fused blocks, no dropout), so the
    outputs and gradients of the layers in ``watch`` can be returned too.

    Parameters
    ----------
    x : array (N, H, W, C)
        Images as :meth:`Sequential.prepare_input <.model.Sequential.prepare_input>` takes them (uint8 or float; grey may omit C).
    output_grad : callable
        ``output_grad(out)`` returns d(quantity)/d(out), an array of ``out``'s shape.
    layer : str or None
        The layer whose output ``out`` is; the pass stops there. None: the model's output,
        taken before a final softmax (the logits, the class scores) when it ends in one.
    watch : iterable of str
        Layers up to ``layer`` whose output and its gradient to return.

    Returns
    -------
    out : array (N, ...)
        The output ``output_grad`` was given.
    dx : array (N, H, W, C)
        The gradient of ``sum(out * output_grad(out))`` with respect to the input.
    watched : dict
        ``{name: (output, gradient)}`` for each layer in ``watch``, arrays (N, ...).
    """
    names, watch = [lay.name for lay in model.layers], tuple(watch)
    for name in [layer, *watch]:
        if name is not None and name not in names:
            raise ValueError(f"{model.name} has no layer {name!r}; its layers are "
                             f"{', '.join(names)}")
    stop = len(names) - 1 if layer is None else names.index(layer)
    if any(names.index(name) > stop for name in watch):
        raise ValueError(f"a watched layer must come before {names[stop]} (where the pass "
                         "stops)")
    logits = layer is None and model.ends_in_softmax
    x = model.prepare_input(x)
    caches, outputs = [], {}
    for i, lay in enumerate(model.layers[:stop + 1]):
        if i == stop and logits:
            x, cache = lay.core_forward(x, False, None)
        else:
            x, cache = lay.forward(x, training=False)
        caches.append(cache)
        if lay.name in watch:
            outputs[lay.name] = x
    out = x
    dout = np.asarray(output_grad(out), dtype=model.dtype)
    if dout.shape != out.shape:
        raise ValueError(f"the output gradient must have the output's shape {out.shape}, "
                         f"got {dout.shape}")
    watched = {}
    for i in range(stop, -1, -1):
        lay = model.layers[i]
        if lay.name in outputs:
            watched[lay.name] = (outputs[lay.name], dout)
        if i == stop and logits:
            dout, _ = lay.core_backward(dout, caches[i], True)
        else:
            dout, _ = lay.backward(dout, caches[i], True)
    return out, dout, watched
