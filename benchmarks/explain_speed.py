"""How fast the Explain page's maps come on the guide model (figures printed, nothing asserted).

Times, on one bundled test digit and the guide's convnet (``nn.guide_model.guide_convnet()``):
the first saliency map and the first Grad-CAM of each conv layer in a fresh process (what a
student waits for when the page opens), then the median of repeated calls, each beside one
``predict`` of the same image measured in the same run (the ratio says what the backward pass
adds to a forward pass). Target: ≤ 100 ms each. Also the page's other work: occlusion (6×6
patch, stride 3), one activation-maximisation step, the top-9 search over the 500 test images.

    python benchmarks/explain_speed.py [--repeats 20]
"""

import argparse
import os
import statistics
import time

from cnn_explorer.data import catalog
from cnn_explorer.nn import explain
from cnn_explorer.nn.explain.filters import layer_peaks
from cnn_explorer.nn.guide_model import guide_convnet

TARGET_MS = 100.0


def timed(call):
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1e3


def median_ms(call, repeats):
    return statistics.median(timed(call) for _ in range(repeats))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    data = catalog.load(catalog.BUNDLED)
    model = guide_convnet()
    x = data.x_test[0]
    layers = explain.conv_layers(model)

    calls = {"saliency": lambda: explain.saliency(model, x, 3)}
    for layer in layers:
        calls[f"grad_cam {layer}"] = lambda layer=layer: explain.grad_cam(model, x, 3, layer)
    first = {name: timed(call) for name, call in calls.items()}     # nothing ran before these
    predict = median_ms(lambda: model.predict(x[None]), args.repeats)
    print(f"guide model, one 28×28 digit; one predict(): {predict:.2f} ms (median of "
          f"{args.repeats})")
    print(f"{'':22s} {'first':>9s} {'median':>9s} {'÷ predict':>10s}  "
          f"target ≤ {TARGET_MS:.0f} ms")
    for name, call in calls.items():
        med = median_ms(call, args.repeats)
        verdict = "ok" if max(first[name], med) <= TARGET_MS else "OVER"
        print(f"{name:22s} {first[name]:7.2f} ms {med:7.2f} ms {med / predict:9.1f}×  {verdict}")

    occlusion = median_ms(lambda: explain.occlusion(model, x, 3, 6, 3), max(3, args.repeats // 4))
    steps = explain.maximize_activation(model, layers[-1], 5, steps=10_000)
    step = median_ms(lambda: next(steps), args.repeats)
    peaks = median_ms(lambda: layer_peaks(model, layers[-1], data.x_test), 3)
    print(f"occlusion 6×6 every 3 px (81 patches): {occlusion:.1f} ms "
          f"({occlusion / predict:.0f}× predict)")
    print(f"activation maximisation: {step:.2f} ms per step ({1e3 / step:.0f} steps/s)")
    print(f"top images: peaks of {layers[-1]} on {len(data.x_test)} test images: {peaks:.0f} ms")
    print("load average (1, 5, 15 min): " + ", ".join(f"{v:.2f}" for v in os.getloadavg())
          + f" on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
