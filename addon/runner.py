"""Run a metastudio operator headless, by id, with its model's JSON as parameters.

This is how the farm's workers, and scripts, run the very operators an artist clicks: the
same `execute()`, the same model, the same rollback on failure.
"""

from __future__ import annotations

from typing import Any

import bpy
from pydantic import BaseModel, ValidationError

from .core.errors import JobSpecError, OperatorError
from .core.operator_steps import params_model
from .core.schema import describe_validation_error


def ensure_registered() -> None:
    """Make metastudio's operators available: already there when the extension is enabled,
    otherwise registered from the installed Python package (a farm worker)."""
    if hasattr(bpy.types.Scene, "metastudio"):
        return
    import metastudio

    metastudio.register()


def run_operator(operator: str, params: BaseModel | dict[str, Any] | str | None = None
                 ) -> str:
    """Run `operator` ("metastudio.<name>") on the current scene; returns its report.

    `params` is the operator's model, a dict or its JSON. Raises JobSpecError naming the
    field for bad parameters and OperatorError when the operator fails (its scene is left
    as it was).
    """
    try:
        model = params_model(operator)
    except ValueError as exc:
        raise JobSpecError(f"operator: {exc}") from None
    try:
        if isinstance(params, str):
            spec = model.model_validate_json(params)
        elif isinstance(params, BaseModel):
            spec = model.model_validate(params.model_dump())
        else:
            spec = model.model_validate(params or {})
    except ValidationError as exc:
        raise JobSpecError(f"{operator}: {describe_validation_error(exc)}") from None
    ensure_registered()
    category, name = operator.split(".", 1)
    call = getattr(getattr(bpy.ops, category), name)
    try:
        result = call("EXEC_DEFAULT", params_json=spec.model_dump_json())
    except RuntimeError as exc:  # the operator reported an error
        raise OperatorError(f"{operator}: {_report_text(exc)}") from None
    if "FINISHED" not in result:
        raise OperatorError(f"{operator}: did not finish ({', '.join(sorted(result))})")
    return f"{operator}: finished"


def _report_text(exc: RuntimeError) -> str:
    # bpy.ops raises "Error: <report>\n" for an operator's ERROR report.
    return str(exc).strip().removeprefix("Error: ")
