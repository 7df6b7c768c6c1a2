"""Qt-free text the training page shows: progress, speed, advice."""


def _duration(seconds):
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def format_progress(snapshot):
    """The progress bar's text for a training snapshot, e.g. "Epoch 2/15 · batch 17/32"."""
    return (f"Epoch {snapshot.epoch + 1}/{snapshot.epochs} · batch {snapshot.batch + 1}/"
            f"{snapshot.batches_per_epoch}")


def format_speed(snapshot, batch_size):
    """Speed and time left for a training snapshot, e.g. "3,400 images/s · 0:42 left"."""
    remaining = ((snapshot.epochs - snapshot.epoch - 1) * snapshot.batches_per_epoch
                 + snapshot.batches_per_epoch - snapshot.batch - 1)
    speed = snapshot.images_per_second
    left = f" · {_duration(remaining * batch_size / speed)} left" if speed > 0 else ""
    return f"{speed:,.0f} images/s{left}"


SAFE_LEARNING_RATE = 0.001     # what the not-learning message suggests (Adam's default)


def not_learning_message(history, num_classes, learning_rate):
    """What to say when the last epoch's accuracy is near chance (the loss stayed finite), or ``""``."""
    accuracy = history.get("accuracy") or [None]
    if accuracy[-1] is None or num_classes < 2 or accuracy[-1] >= 1.5 / num_classes:
        return ""
    epochs = len(history["loss"])
    if learning_rate > SAFE_LEARNING_RATE:
        advice = (f"The learning rate ({learning_rate:g}) is probably too large: try "
                  f"{SAFE_LEARNING_RATE:g}, then New model.")
    else:   # "try 0.001" when it already is 0.001 helps nobody
        advice = (f"The learning rate ({learning_rate:g}) is already small: train more epochs, "
                  "or check the data (enough images of each class, labels that match them).")
    return (f"The model is not learning: its accuracy is {accuracy[-1]:.0%} after {epochs} "
            f"epoch{'s' * (epochs != 1)}, about what guessing gets ({1 / num_classes:.0%}). "
            + advice)


MORE_EPOCHS = 5     # what Start offers once a model has trained all the epochs asked for


def _epochs(n):
    return f"{n} epoch{'s' * (n != 1)}"


def epochs_to_train(done, epochs):
    """The ``epochs`` total Start trains to: ``epochs``, or ``MORE_EPOCHS`` more once reached."""
    return epochs if done < epochs else done + MORE_EPOCHS


def start_label(done, epochs):
    """The Start button's text for a model with ``done`` finished epochs and Epochs = ``epochs``."""
    if done == 0:
        return f"Train {_epochs(epochs)}"
    if done < epochs:
        return f"Train epochs {done + 1}–{epochs}"
    return f"Train {MORE_EPOCHS} more epochs"


def start_plan(done, epochs, partial=False):
    """What Start will do, in a sentence, before it is pressed."""
    if done >= epochs:
        return (f"This model has trained {_epochs(done)}: Start trains {MORE_EPOCHS} more "
                f"(epochs {done + 1}–{done + MORE_EPOCHS}).")
    if done == 0 and not partial:
        return f"Start trains this model for {_epochs(epochs)}."
    again = f" (epoch {done + 1} again from its first batch)" if partial else ""
    return f"Start continues this model: epochs {done + 1}–{epochs}{again}."


def model_header(params, names, done, partial=False, running=False):
    """The model's header line: parameters, how trained it is, layers (HTML)."""
    if running:
        trained = f", training from epoch {done + 1}"   # true for the whole run
    else:
        trained = (f", trained {_epochs(done)}" if done else
                   ", trained part of an epoch" if partial else ", untrained")
    return f"<b>Model</b> ({params:,} parameters{trained}): {' → '.join(names)}"


def step_report(snapshot, before, after):
    """What one mini-batch did: its forward pass and loss, and how much the update moved weights.

    ``before`` and ``after`` are the weight arrays around the batch (equal shapes).
    """
    moved = [abs(b - a) for a, b in zip(before, after)]
    largest = max((float(m.max()) for m in moved if m.size), default=0.0)
    count = sum(m.size for m in moved)
    mean = sum(float(m.sum()) for m in moved) / count if count else 0.0
    return (f"One batch (epoch {snapshot.epoch + 1}, batch {snapshot.batch + 1}): forward pass "
            f"→ loss {snapshot.loss:.4f}, {snapshot.accuracy:.0%} right (running over this "
            f"epoch); backward pass and update: the weights moved by {mean:.2g} on average, "
            f"{largest:.2g} at most.")
