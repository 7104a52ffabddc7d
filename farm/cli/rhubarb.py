"""`metastudio-rhubarb`: a drop-in for Rhubarb Lip Sync's command line (its options, its
defaults: TSV to stdout, its XML, JSON and .dat, its exit codes: 0, or 1 on any error),
lip-syncing with metastudio's aligner. docs/rhubarb.md maps every option."""

from __future__ import annotations

import argparse
import signal
import sys

from .lipsync import add_lipsync_arguments, run_lipsync


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `metastudio-rhubarb` command."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    parser = argparse.ArgumentParser(
        prog="metastudio-rhubarb",
        description="Mouth shapes (Rhubarb Lip Sync's A-H and X) from a voice recording.")
    add_lipsync_arguments(parser, rhubarb=True)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for bad options; Rhubarb exits 1
        return 0 if exc.code == 0 else 1
    try:
        return run_lipsync(args, rhubarb=True)
    except KeyboardInterrupt:
        return 1


if __name__ == "__main__":
    sys.exit(main())
