"""The model zoo: published models and the full osteosim model, one contract (``base.py``).

Every module of this folder is imported here, so its ``@register_model`` class joins the zoo
(``MODEL_REGISTRY``, ``get_model``, ``osteosim models``, scenarios, the web): adding a model is
one module here plus its parameter set under ``parameters/``.
"""
import importlib as _importlib
import pkgutil as _pkgutil

from .base import MODEL_REGISTRY, Model, ModelContract, get_model, register_model
from .komarova2003 import Komarova2003
from .pivonka2008 import Pivonka2008
from .osteosim import Osteosim
from .lemaire2004 import Lemaire2004

for _module in _pkgutil.iter_modules(__path__):
    if not _module.ispkg and _module.name != "base":
        _importlib.import_module(f"{__name__}.{_module.name}")

__all__ = ["MODEL_REGISTRY", "Model", "ModelContract", "get_model", "register_model", "Komarova2003", "Lemaire2004",
           "Pivonka2008", "Osteosim"]
