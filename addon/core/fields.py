"""What each field of a pydantic model looks like in a UI, read from the model alone.

A front end (Blender's PropertyGroups, a web form, a command line) builds its widgets
from these descriptions, so limits, defaults, choices and help text live once, in the
model. No bpy here.
"""

from __future__ import annotations

import enum
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import annotated_types
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from .errors import MetastudioError

# Marks a 3-float tuple as an RGB colour (a colour picker in Blender).
COLOR = "COLOR"
Color = Annotated[tuple[float, float, float], {"subtype": COLOR}]


class UnsupportedFieldError(MetastudioError):
    """A model field has a type no front end can show."""


@dataclass
class FieldSpec:
    """One field as a UI needs it.

    kind: "bool", "int", "float", "str", "path", "enum", "enum_set" (any of the items:
    a list of literals), "vector", "model".
    optional: the field may be None (shown with an on/off toggle).
    """

    name: str
    kind: str
    label: str
    description: str = ""
    default: Any = None
    optional: bool = False
    minimum: float | None = None
    maximum: float | None = None
    soft_minimum: float | None = None
    soft_maximum: float | None = None
    items: list[tuple[str, str]] = field(default_factory=list)
    subtype: str = ""
    size: int = 0
    element: str = ""
    model: type[BaseModel] | None = None
    children: list[FieldSpec] = field(default_factory=list)


# Marks a field that front ends leave out (it keeps its default there): lists of steps,
# internal bookkeeping. Use as json_schema_extra={"ui": HIDDEN}.
HIDDEN = "hidden"


def describe_model(model: type[BaseModel]) -> list[FieldSpec]:
    """Describe every field of `model` that a UI shows, nested models included, in order."""
    return [_describe(name, info) for name, info in model.model_fields.items()
            if not (isinstance(info.json_schema_extra, dict)
                    and info.json_schema_extra.get("ui") == HIDDEN)]


def _describe(name: str, info: FieldInfo) -> FieldSpec:
    annotation, optional = _strip_optional(info.annotation)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    annotation, markers = _unwrap_annotated(annotation)
    # Pydantic moves Annotated extras into `metadata`; nested Annotated keeps them inline.
    markers = list(info.metadata) + markers
    for marker in markers:
        if isinstance(marker, dict):
            extra = {**marker, **extra}
    default = None if info.is_required() else info.get_default(call_default_factory=True)
    spec = FieldSpec(name=name, kind="", label=info.title or name.replace("_", " ").title(),
                     description=info.description or "", default=default, optional=optional,
                     subtype=extra.get("subtype", ""),
                     soft_minimum=extra.get("soft_min"), soft_maximum=extra.get("soft_max"))
    origin = typing.get_origin(annotation)
    if annotation is bool:
        spec.kind = "bool"
    elif annotation is int or annotation is float:
        spec.kind = annotation.__name__
    elif annotation is str:
        spec.kind = "str"
    elif isinstance(annotation, type) and issubclass(annotation, Path):
        spec.kind = "path"
        spec.subtype = spec.subtype or "FILE_PATH"
    elif origin is Literal:
        spec.kind = "enum"
        spec.items = [(str(v), str(v).replace("_", " ").title()) for v in typing.get_args(
            annotation)]
    elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        spec.kind = "enum"
        spec.items = [(str(member.value), member.name.replace("_", " ").title())
                      for member in annotation]
        if isinstance(default, enum.Enum):
            spec.default = str(default.value)
    elif origin is list and len(typing.get_args(annotation)) == 1 and typing.get_origin(
            typing.get_args(annotation)[0]) is Literal:
        spec.kind = "enum_set"
        spec.items = [(str(v), str(v).replace("_", " ").title()) for v in typing.get_args(
            typing.get_args(annotation)[0])]
    elif origin is tuple:
        args = typing.get_args(annotation)
        if not args or Ellipsis in args or len(set(args)) != 1 or args[0] not in (int, float):
            raise UnsupportedFieldError(f"{name}: only fixed tuples of int or float can be shown")
        spec.kind, spec.size, spec.element = "vector", len(args), args[0].__name__
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        spec.kind, spec.model = "model", annotation
        spec.children = describe_model(annotation)
    else:
        raise UnsupportedFieldError(f"{name}: type {annotation!r} cannot be shown in a UI")
    limits = [m for m in markers if not isinstance(m, dict)]
    _apply_limits(spec, limits, integer=spec.kind == "int" or spec.element == "int")
    if spec.subtype == COLOR and spec.kind == "vector":
        spec.minimum = 0.0 if spec.minimum is None else spec.minimum
        spec.maximum = 1.0 if spec.maximum is None else spec.maximum
    return spec


def _strip_optional(annotation) -> tuple[Any, bool]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
        raise UnsupportedFieldError(f"unions of several types cannot be shown: {annotation!r}")
    return annotation, False


def _unwrap_annotated(annotation) -> tuple[Any, list]:
    if typing.get_origin(annotation) is Annotated:
        base, *markers = typing.get_args(annotation)
        return base, markers
    return annotation, []


def _apply_limits(spec: FieldSpec, metadata: list, integer: bool) -> None:
    # UI limits are inclusive: an exclusive bound moves by one on integers and stays put on
    # floats (the model still rejects the bound itself, with its own message).
    step = 1 if integer else 0
    for item in metadata:
        if isinstance(item, annotated_types.Ge):
            spec.minimum = item.ge
        elif isinstance(item, annotated_types.Gt):
            spec.minimum = item.gt + step
        elif isinstance(item, annotated_types.Le):
            spec.maximum = item.le
        elif isinstance(item, annotated_types.Lt):
            spec.maximum = item.lt - step
