"""The `metastudio` command line: a thin front over the batches and the scheduling core
(each subcommand's module is imported only when it runs; see main)."""

from .commands import main

__all__ = ["main"]
