"""The `kasir` command line (`kasir = "app.cli:main"`): parser.py builds it and runs a
command, env.py is what handlers share, output.py formats records for people, and each
other module is one command group."""

from app.cli.parser import build_parser, main

__all__ = ["build_parser", "main"]
