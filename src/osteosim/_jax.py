"""JAX set-up shared by the package: float64 everywhere and a persistent compile cache.

Imported by every module that builds JAX computations, before any array is made.
"""
from __future__ import annotations

import os
from pathlib import Path

# Equinox's runtime checks default to host callbacks, and XLA executables with host callbacks
# are never written to the persistent compilation cache; as NaNs they are.  Solver failures
# are still reported (diffrax ``result`` codes, checked per patient).
os.environ.setdefault("EQX_ON_ERROR", "nan")

import jax  # noqa: E402

jax.config.update("jax_enable_x64", True)
jax.config.update("jax_platforms", os.environ.get("JAX_PLATFORMS", "cpu") or "cpu")

_cache = os.environ.get("OSTEOSIM_CACHE_DIR") or str(Path.home() / ".cache" / "osteosim" / "jax")
CACHE_DIR: str | None = _cache
try:
    Path(_cache).mkdir(parents=True, exist_ok=True)
    jax.config.update("jax_compilation_cache_dir", _cache)
    # Cache every compiled function: the start-up latency of a CLI call is mostly compilation.
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", 0)
except Exception:  # a read-only home must not stop a simulation
    CACHE_DIR = None
