"""The transformer the training engine trains (engine/model/model.py)."""
from engine.model.model import SIZES, KVCache, ModelConfig, Transformer

__all__ = ["SIZES", "KVCache", "ModelConfig", "Transformer"]
