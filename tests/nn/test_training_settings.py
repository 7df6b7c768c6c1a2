"""TrainingSettings: validated on construction, compared by value, turned into a TrainConfig."""

from dataclasses import replace

import pytest

from cnn_explorer.nn.training_settings import FULL_SPEED, TrainingSettings, config_of


def test_settings_compare_by_value_and_give_the_engine_config():
    a = TrainingSettings(dataset="mnist-5k", epochs=3, batch_size=32, learning_rate=0.01)
    assert a == replace(TrainingSettings(dataset="mnist-5k"), epochs=3, batch_size=32,
                        learning_rate=0.01)
    config = config_of(a)
    assert (config.epochs, config.batch_size, config.learning_rate, config.optimizer) == \
        (3, 32, 0.01, "adam")
    assert a.speed == FULL_SPEED


@pytest.mark.parametrize("field, value, message", [
    ("epochs", 0, "epochs must be a positive integer"),
    ("batch_size", 2.5, "batch_size must be a positive integer"),
    ("optimizer", "newton", "optimizer must be one of"),
    ("learning_rate", float("nan"), "learning_rate must be a positive number"),
    ("validation_split", 1.0, "validation_split must be in"),
    ("speed", -1.0, "speed must be 0"),
    ("grey", "yes", "grey must be True or False"),
])
def test_an_unusable_setting_is_refused_with_its_message(field, value, message):
    with pytest.raises(ValueError, match=message):
        replace(TrainingSettings(), **{field: value})


def test_start_says_what_it_will_do_and_offers_more_epochs_after_a_finished_run():
    from cnn_explorer.nn.reports import (MORE_EPOCHS, epochs_to_train, model_header, start_label,
                                         start_plan)
    assert start_label(0, 15) == "Train 15 epochs"
    assert start_plan(0, 15) == "Start trains this model for 15 epochs."
    assert start_label(5, 15) == "Train epochs 6–15"
    assert start_plan(5, 15) == "Start continues this model: epochs 6–15."
    assert start_label(15, 15) == f"Train {MORE_EPOCHS} more epochs"
    assert start_plan(15, 15).startswith("This model has trained 15 epochs: Start trains 5 more")
    assert epochs_to_train(15, 15) == 20 and epochs_to_train(3, 15) == 15
    assert "untrained" not in model_header(100, ["dense"], 0, running=True)
    # set once at Start, the header said "training (epoch 1)" beside "Epoch 3/40" in the bar
    assert "training from epoch 6" in model_header(100, ["dense"], 5, running=True)
    assert "trained part of an epoch" in model_header(100, ["dense"], 0, partial=True)


@pytest.mark.parametrize("speed", ["fast", None, [1], True, -1.0, float("nan")])
def test_a_speed_that_is_no_number_of_batches_is_a_value_error(speed):
    # "fast" raised TypeError from the comparison
    with pytest.raises(ValueError, match="speed must be"):
        TrainingSettings(speed=speed)
