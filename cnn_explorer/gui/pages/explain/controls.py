"""The Explain page's controls: the model in use, the image and class, occlusion, the filter."""

from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.draw_canvas import DrawCanvas
from cnn_explorer.gui.widgets.panel import button, combo, row, section, spin, wrapped
from cnn_explorer.nn.explain.plan import MAX_STEPS

TEST_IMAGE, DRAWN = "A test image", "The drawn digit"


class ExplainControls(QWidget):
    """The widgets only; the page connects them and sets them from its state."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

        box, form = section("Model")
        self.model_status = wrapped()
        self.refresh_button = QPushButton("&Use the latest model")
        self.refresh_button.setToolTip("Take the Training page's model as it is now (its latest "
                                       "weights, or the model just loaded) (Alt+U)")
        form.addRow(self.model_status)
        form.addRow(self.refresh_button)
        layout.addWidget(box)

        box, form = section("Image and class", "input")
        self.source = combo([TEST_IMAGE, DRAWN],
                            "Explain one of the test images, or a digit you draw below")
        self.image_index = spin(0, 0, 0, "Which test image (↑/↓ step through them)",
                                tracking=True)
        self.image_label = QLabel()
        self.canvas = DrawCanvas()
        self.canvas.setMinimumSize(96, 96)
        self.clear_button = button("Clear", "Wipe the drawing to draw another digit")
        self.class_choice = combo((), "The class to explain: by default the model's prediction")
        self.prediction = wrapped()
        form.addRow("Explain", self.source)
        form.addRow("Test image", row(self.image_index, self.image_label, stretch=True))
        self.image_row = form.rowCount() - 1
        form.addRow(self.canvas)
        form.addRow(self.clear_button)
        form.addRow("Class", self.class_choice)
        form.addRow(self.prediction)
        self.image_form = form
        layout.addWidget(box)

        box, form = section("Occlusion")
        self.occlusion_size = spin(1, 64, 6, "The covering patch's side in pixels")
        self.occlusion_stride = spin(1, 64, 3, "Pixels between two patch positions")
        self.occlusion_fill = spin(0, 1, 0, "The patch's grey level: 0 black, 1 white",
                                   step=0.1, decimals=2)
        form.addRow("Patch", row(self.occlusion_size, QLabel("px, every"), self.occlusion_stride,
                                 QLabel("px"), stretch=True))
        form.addRow("Fill", self.occlusion_fill)
        layout.addWidget(box)

        box, form = section("Filter", "kernel")
        self.layer = combo((), "The convolution layer whose filter to look at")
        self.channel = spin(0, 0, 0, "Which filter of the layer", tracking=True)
        self.steps = spin(1, MAX_STEPS, 200, "Gradient-ascent steps of the grown image", step=50)
        self.learning_rate = spin(0.001, 1, 0.05, "How far each step moves the pixels",
                                  step=0.01, decimals=3)
        self.jitter = spin(0, 8, 1, "Each step shifts the image by up to this many pixels, so "
                                    "the pattern cannot depend on exact pixel positions")
        self.blur = spin(0, 3, 0.5, "Blur after each step (sigma in pixels): keeps the "
                                        "image smooth", step=0.1, decimals=2)
        self.grow_button = QPushButton("&Grow")
        self.grow_button.setToolTip("Grow an image that excites this filter, from faint noise "
                                    "(Alt+G); press again to stop")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        form.addRow("Layer", self.layer)
        form.addRow("Filter", self.channel)
        form.addRow("Steps", self.steps)
        form.addRow("Step size", self.learning_rate)
        form.addRow("Jitter", row(self.jitter, QLabel("px"), stretch=True))
        form.addRow("Blur", self.blur)
        form.addRow(row(self.grow_button, self.progress))
        layout.addWidget(box)

        self.message = wrapped()
        self.message.setStyleSheet(f"color: {colours.ERROR};")
        layout.addWidget(self.message)
        layout.addStretch(1)

    def set_running(self, running):
        self.grow_button.setText("&Stop" if running else "&Grow")
