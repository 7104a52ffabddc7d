"""Blender PropertyGroups generated from pydantic models, and values moved both ways.

The model is the one source of names, defaults, limits, choices and help text; the group
is only how Blender shows and stores them. Reading a group back validates through the
model, so a value the model refuses becomes a JobSpecError naming the field.
"""

from __future__ import annotations

import enum
from pathlib import Path

import bpy
from pydantic import BaseModel

from ..core.fields import COLOR, FieldSpec, describe_model
from ..core.schema import build_spec

_INT_LIMIT = 2**31 - 1  # Blender's int properties are 32-bit
_groups: dict[type[BaseModel], type[bpy.types.PropertyGroup]] = {}


def toggle_name(name: str) -> str:
    """The boolean property that says whether an optional field has a value."""
    return f"use_{name}"


def property_group_for(model: type[BaseModel]) -> type[bpy.types.PropertyGroup]:
    """The registered PropertyGroup class of `model` (made and registered on first use)."""
    if model not in _groups:
        annotations = {}
        for spec in describe_model(model):
            annotations.update(_properties(spec))
        group = type(f"METASTUDIO_PG_{model.__name__}", (bpy.types.PropertyGroup,),
                     {"__annotations__": annotations, "__doc__": model.__doc__ or model.__name__})
        bpy.utils.register_class(group)
        _groups[model] = group
    return _groups[model]


def unregister_property_groups() -> None:
    """Unregister every generated group, outermost first."""
    for model in reversed(list(_groups)):
        bpy.utils.unregister_class(_groups.pop(model))


def _limits(spec: FieldSpec, integer: bool) -> dict:
    options = {}
    for key, value in (("min", spec.minimum), ("max", spec.maximum),
                       ("soft_min", spec.soft_minimum), ("soft_max", spec.soft_maximum)):
        if value is not None:
            options[key] = max(-_INT_LIMIT, min(_INT_LIMIT, int(value))) if integer else value
    return options


def _blank(spec: FieldSpec):
    # Blender has no None: an optional field's value property starts from a neutral value.
    return {"int": 0, "float": 0.0, "str": "", "path": "", "bool": False}.get(spec.kind)


def _properties(spec: FieldSpec) -> dict:
    common = {"name": spec.label, "description": spec.description}
    default = spec.default if spec.default is not None else _blank(spec)
    props = bpy.props
    if spec.kind == "bool":
        prop = props.BoolProperty(default=bool(default), **common)
    elif spec.kind == "int":
        low = spec.minimum if spec.minimum is not None else -_INT_LIMIT
        prop = props.IntProperty(default=int(max(default, low)), **common,
                                 **_limits(spec, integer=True))
    elif spec.kind == "float":
        low = spec.minimum if spec.minimum is not None else float("-inf")
        prop = props.FloatProperty(default=float(max(default, low)), **common,
                                   **_limits(spec, integer=False))
    elif spec.kind in ("str", "path"):
        subtype = spec.subtype if spec.kind == "path" else "NONE"
        prop = props.StringProperty(default=str(default), subtype=subtype, **common)
    elif spec.kind == "enum":
        items = [(value, label, "") for value, label in spec.items]
        prop = props.EnumProperty(items=items, default=str(default or items[0][0]), **common)
    elif spec.kind == "enum_set":
        items = [(value, label, "") for value, label in spec.items]
        prop = props.EnumProperty(items=items, default=set(default or ()),
                                  options={"ENUM_FLAG"}, **common)
    elif spec.kind == "vector":
        vector = props.IntVectorProperty if spec.element == "int" else props.FloatVectorProperty
        prop = vector(size=spec.size, default=tuple(default or (0,) * spec.size),
                      subtype=COLOR if spec.subtype == COLOR else "NONE", **common,
                      **_limits(spec, integer=spec.element == "int"))
    else:  # a nested model
        prop = props.PointerProperty(type=property_group_for(spec.model), **common)
    result = {spec.name: prop}
    if spec.optional:
        result[toggle_name(spec.name)] = props.BoolProperty(
            name=spec.label, description=f"Set {spec.label.lower()}",
            default=spec.default is not None)
    return result


def write_model(group, instance: BaseModel) -> None:
    """Show `instance`'s values in `group`."""
    for spec in describe_model(type(instance)):
        value = getattr(instance, spec.name)
        if spec.optional:
            setattr(group, toggle_name(spec.name), value is not None)
            if value is None:
                continue
        if spec.kind == "model":
            write_model(getattr(group, spec.name), value)
            continue
        if isinstance(value, enum.Enum):
            value = str(value.value)
        elif spec.kind == "enum_set":
            value = set(value)
        elif isinstance(value, Path):
            value = str(value)
        setattr(group, spec.name, value)


def _read(group, model: type[BaseModel]) -> dict:
    data = {}
    for spec in describe_model(model):
        if spec.optional and not getattr(group, toggle_name(spec.name)):
            data[spec.name] = None
            continue
        value = getattr(group, spec.name)
        if spec.kind == "model":
            value = _read(value, spec.model)
        elif spec.kind == "vector":
            value = tuple(value)
        elif spec.kind == "enum_set":  # in the items' order: the same set, the same list
            value = [item for item, _ in spec.items if item in value]
        elif spec.kind == "path":
            value = bpy.path.abspath(value) if value else value  # "//" is the .blend's folder
        data[spec.name] = value
    return data


def read_model(group, model: type[BaseModel]) -> BaseModel:
    """The validated model that `group` describes; JobSpecError names any bad field."""
    return build_spec(model, _read(group, model))


def draw_model(layout, group, model: type[BaseModel]) -> None:
    """Lay out a group's fields as the model orders them; nested models go in boxes, and an
    optional field's value greys out while its toggle is off."""
    for spec in describe_model(model):
        if spec.kind == "model":
            box = layout.box()
            box.label(text=spec.label)
            draw_model(box, getattr(group, spec.name), spec.model)
        elif spec.optional:
            row = layout.row(align=True)
            row.prop(group, toggle_name(spec.name), text="")
            value = row.row(align=True)
            value.active = getattr(group, toggle_name(spec.name))
            value.prop(group, spec.name)
        else:
            layout.prop(group, spec.name)
