"""The model zoo: published models and the full osteosim model, one protocol."""
from .base import MODEL_REGISTRY, Model, ModelContract, get_model, register_model
from .komarova2003 import Komarova2003
from .pivonka2008 import Pivonka2008
from .osteosim import Osteosim
from .lemaire2004 import Lemaire2004

__all__ = ["MODEL_REGISTRY", "Model", "ModelContract", "get_model", "register_model", "Komarova2003", "Lemaire2004", "Pivonka2008", "Osteosim"]
