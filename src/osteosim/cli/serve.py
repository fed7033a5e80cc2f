"""``osteosim serve``: the web app on a local port (uvicorn)."""
from __future__ import annotations

import typer

from .errors import _fail


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Interface to bind (default: this machine only)."),
    port: int = typer.Option(8000, "--port", help="TCP port (1-65535)."),
) -> None:
    """Serve the web app (patients, regimens, trials, healing, model reference) at http://HOST:PORT/."""
    if not 1 <= port <= 65535:
        _fail(f"--port: {port} is not allowed (1..65535)")
    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:
        _fail(f"the web app needs the 'web' extra (pip install 'osteosim[web]'): {exc}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: serving on {host}: other machines can reach this server; it has no authentication",
                   err=True)
    typer.echo(f"osteosim web app: http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl+C stops); "
               "warming up the model", err=True)

    def on_ready(seconds: float) -> None:
        typer.echo(f"osteosim web app: ready (warm-up {seconds:.1f} s)", err=True)

    uvicorn.run(create_app(warm_up=True, on_ready=on_ready), host=host, port=port, log_level="warning",
                timeout_graceful_shutdown=5)
