"""Command-line options made from an operator's pydantic model, so that the command line
takes the same fields, choices and limits as the Blender panel and the farm."""

from __future__ import annotations

import argparse

from metastudio.core.fields import describe_model
from pydantic import BaseModel


def _vector(size: int, element: type):
    def parse(text: str):
        from metastudio.core.character.describe import COLORS

        if text.lower() in COLORS and size == 3:
            return COLORS[text.lower()]
        parts = [p for p in text.replace(",", " ").split() if p]
        if len(parts) != size:
            raise argparse.ArgumentTypeError(f"expected {size} numbers like 0.8,0.1,0.1"
                                             + (" or a colour name" if size == 3 else ""))
        try:
            return tuple(element(p) for p in parts)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not numbers: {text}") from None
    return parse


def _choices(items: list[str]):
    def parse(text: str) -> list[str]:
        picked = [p.strip() for p in text.split(",") if p.strip()]
        wrong = [p for p in picked if p not in items]
        if wrong:
            raise argparse.ArgumentTypeError(
                f"not one of {', '.join(items)}: {', '.join(wrong)}")
        return picked
    return parse


def add_model_arguments(parser: argparse.ArgumentParser, model: type[BaseModel],
                        skip: tuple[str, ...] = ()) -> None:
    """One --option per shown field of `model` (nested models and paths left out)."""
    for spec in describe_model(model):
        if spec.name in skip or spec.kind in ("model",):
            continue
        flag = "--" + spec.name.replace("_", "-")
        limits = ""
        if spec.minimum is not None and spec.maximum is not None:
            low, high = spec.minimum, spec.maximum
            limits = (f" ({int(low)}-{int(high)})" if spec.kind == "int" else
                      f" ({low:g}-{high:g})")
        help_text = (spec.description or spec.label) + limits
        if spec.kind == "bool":
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=None,
                                help=help_text)
        elif spec.kind == "enum":
            parser.add_argument(flag, choices=[value for value, _ in spec.items],
                                default=None, help=help_text)
        elif spec.kind == "enum_set":
            items = [value for value, _ in spec.items]
            parser.add_argument(flag, type=_choices(items), default=None,
                                metavar=",".join(items[:2]) + ",...",
                                help=help_text + " (comma-separated; '' for none)")
        elif spec.kind == "vector":
            parser.add_argument(flag, type=_vector(spec.size, float if spec.element ==
                                                   "float" else int), default=None,
                                metavar="R,G,B" if spec.size == 3 else None, help=help_text)
        else:
            kind = {"int": int, "float": float}.get(spec.kind, str)
            parser.add_argument(flag, type=kind, default=None, help=help_text)


def model_values(args: argparse.Namespace, model: type[BaseModel]) -> dict:
    """The fields given on the command line (left-out options stay the model's default)."""
    return {spec.name: getattr(args, spec.name) for spec in describe_model(model)
            if getattr(args, spec.name, None) is not None}
