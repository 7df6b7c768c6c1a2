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
