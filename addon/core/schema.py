"""Helpers shared by every pydantic spec: turning validation errors into one clear line."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from .errors import JobSpecError

Model = TypeVar("Model", bound=BaseModel)


def describe_validation_error(exc: ValidationError, tags: tuple[str, ...] = ()) -> str:
    """One line per problem, each naming the field ("resources.workers: ..."). `tags`: a
    tagged union's tags, left out of the field's name (a render job's "render.frames" is
    its "frames")."""
    lines = []
    for err in exc.errors():
        loc = list(err["loc"])
        if len(loc) > 1 and loc[0] in tags:
            loc = loc[1:]
        field = ".".join(str(part) for part in loc) or "spec"
        message = err["msg"].removeprefix("Value error, ")
        lines.append(f"{field}: {message}")
    return "; ".join(lines)


def build_spec(model: type[Model], data: dict) -> Model:
    """Validate `data` into `model`, raising JobSpecError with a message naming each field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise JobSpecError(describe_validation_error(exc)) from None
