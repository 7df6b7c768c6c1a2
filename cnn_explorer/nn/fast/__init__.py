"""The fast paths the model plans into: fused conv→ReLU→pool, Winograd, 2×2 pool, buffers."""
