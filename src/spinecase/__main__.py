"""``python -m spinecase`` runs the command line."""

from .cli import main

main()
