import os

os.environ.setdefault("JAX_ENABLE_X64", "1")
