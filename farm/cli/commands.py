"""The `metastudio` command line.

Each subcommand's module is imported only when that subcommand runs (`metastudio
lipsync` does not load Ray, the farm or Blender's modules), so a command starts in a
tenth of a second; `metastudio --help` lists them all.
"""

from __future__ import annotations

import argparse
import importlib
import os
import signal
import sys

EXIT_FAILED, EXIT_BAD_INPUT = 1, 2
# Subcommand -> the module (in this package) whose add_parsers() adds it.
COMMANDS = {
    "render": "render", "status": "render", "demo": "render",
    "voice": "voice", "lipsync": "voice",
    "character": "character", "background": "background", "track": "track",
    "scene": "scene", "clip": "scene",
    "serve": "service", "submit": "service", "cancel": "service",
    "pause": "service", "resume": "service", "requeue": "service",
}


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser, with the subcommands of `modules` (default: all)."""
    parser = argparse.ArgumentParser(
        prog="metastudio", description="metastudio: an AI-assisted studio for Blender.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in modules or dict.fromkeys(COMMANDS.values()):
        importlib.import_module(f".{module}", __package__).add_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `metastudio` command."""
    # A program started in the background by a shell (`blender &`, a CI job) inherits
    # SIGINT ignored, and Python then never raises KeyboardInterrupt: Esc in Blender
    # (which sends SIGINT) would not stop the farm. Ctrl-C must always stop it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    argv = sys.argv[1:] if argv is None else list(argv)
    # The subcommand named: only its module is imported (any other: all of them, for
    # the full help and argparse's own message).
    named = next((a for a in argv if not a.startswith("-")), None)
    args = build_parser([COMMANDS[named]] if named in COMMANDS else None).parse_args(argv)
    from metastudio.core.errors import FrameFailedError, MetastudioError

    try:
        return args.handler(args)
    except FrameFailedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except MetastudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("stopped; run the same command again to resume", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`metastudio voice list | head`): end quietly, and keep
        # Python from complaining when it flushes stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    finally:
        _stop_ray()


def _stop_ray() -> None:
    """Stop the Ray a farm command started, once it has said what it did: here, not in
    Ray's own exit hook, which took 1.4 s longer (BENCHMARKS.md, "One farm core")."""
    if "ray" in sys.modules:
        import ray

        if ray.is_initialized():
            ray.shutdown()


if __name__ == "__main__":
    sys.exit(main())
