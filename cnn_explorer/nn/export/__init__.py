"""A Sequential handed to the real frameworks: an ONNX file, or Keras / PyTorch scripts that rebuild
the architecture and load the trained weights from a ``.npz`` written beside them."""
