"""`python -m pagesieve` runs the CLI."""

from .cli import main

main()
