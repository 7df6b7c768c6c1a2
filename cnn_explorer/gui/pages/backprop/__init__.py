"""The "Learn a kernel" page: gradient descent on one convolution kernel, step by step."""
