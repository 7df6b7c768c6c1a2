"""The Channels page: a colour image's three planes, 3D convolution, a trained layer's insides."""
