"""The ``forcegen`` command line (Typer + Rich), a thin shell over the Python API."""
