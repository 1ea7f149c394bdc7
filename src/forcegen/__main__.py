"""``python -m forcegen``: the same as the ``forcegen`` command."""

from forcegen.cli.app import main

main()
