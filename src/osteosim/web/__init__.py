"""The osteosim web app (FastAPI + a static front end); run it with ``osteosim serve``."""
from .app import create_app

__all__ = ["create_app"]
