"""``python -m sandbox``: the same command line as ``campaign-sandbox``."""

from sandbox.cli import main

main()
