"""The model zoo: published models and the full osteosim model, one protocol."""
from .base import MODEL_REGISTRY, Model, get_model, register_model
from .komarova2003 import Komarova2003

__all__ = ["MODEL_REGISTRY", "Model", "get_model", "register_model", "Komarova2003"]
