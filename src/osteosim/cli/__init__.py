"""The ``osteosim`` command line; the entry point is :func:`osteosim.cli.app.main`."""
