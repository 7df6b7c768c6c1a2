"""Keras's ``model.summary()`` table for a :class:`~.model.Sequential`."""


def _format_row(fields, positions):
    """One row of Keras's summary table: each field cut to its column, one space between."""
    line = ""
    for i, field in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += str(field)
        line = line[:positions[i]]
        line += " " * (positions[i] - len(line))
    return line


def keras_summary(model):
    """The Sequential layout of Keras's summary, 65 characters wide, one row per layer."""
    width, positions = 65, [29, 55, 65]
    lines = [f'Model: "{model.name}"', "_" * width,
             _format_row(["Layer (type)", "Output Shape", "Param #"], positions), "=" * width]
    for i, (name, kind, shape, params) in enumerate(model.summary_rows()):
        lines.append(_format_row([f"{name} ({kind})", str(tuple(shape)), params], positions))
        lines.append("=" * width if i == len(model.layers) - 1 else "_" * width)
    trainable = sum(int(w.size) for layer in model.layers
                    for w, t in zip(layer.weights, layer.trainable) if t)
    total = model.count_params()
    lines += [f"Total params: {total:,}", f"Trainable params: {trainable:,}",
              f"Non-trainable params: {total - trainable:,}", "_" * width]
    return "\n".join(lines)
