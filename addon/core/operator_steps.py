"""Operators as steps of a farm job: an operator id and its parameters as JSON.

Each metastudio operator's parameters are one pydantic model; this registry lets a job be
validated before any worker starts, with errors that name the step and the field.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .background.spec import BackgroundSpec
from .character.spec import CharacterSpec
from .sample_shot import SampleShotSpec
from .scene_script import SceneFileSpec
from .schema import describe_validation_error
from .tracking.spec import TrackSpec
from .voice.lipsync_keys import LipSyncKeysSpec, SpeakKeysSpec

# Operator id -> the model of its parameters. Each feature adds its operator here.
OPERATOR_MODELS: dict[str, type[BaseModel]] = {
    "metastudio.add_sample_shot": SampleShotSpec,
    "metastudio.make_character": CharacterSpec,
    "metastudio.make_background": BackgroundSpec,
    "metastudio.lipsync": LipSyncKeysSpec,
    "metastudio.speak": SpeakKeysSpec,
    "metastudio.track": TrackSpec,
    "metastudio.make_scene": SceneFileSpec,
}


def params_model(operator: str) -> type[BaseModel]:
    """The parameters model of a metastudio operator; ValueError naming the known ones."""
    try:
        return OPERATOR_MODELS[operator]
    except KeyError:
        known = ", ".join(sorted(OPERATOR_MODELS))
        raise ValueError(f"unknown operator {operator!r} (known: {known})") from None


class OperatorStep(BaseModel):
    """Run one metastudio operator on the scene, with these parameters."""

    model_config = ConfigDict(extra="forbid")

    operator: str = Field(description="the operator's id, e.g. metastudio.add_sample_shot")
    params: dict[str, Any] = Field(default_factory=dict,
                                   description="the operator's parameters, as its model's JSON")

    @model_validator(mode="after")
    def _params_fit_the_operator(self) -> OperatorStep:
        model = params_model(self.operator)
        try:
            # Keep the validated, complete parameters, so that defaults are fixed in the
            # job (and its id) rather than whatever a worker's version defaults to.
            self.params = model.model_validate(self.params).model_dump(mode="json")
        except ValidationError as exc:
            raise ValueError(f"params: {describe_validation_error(exc)}") from None
        return self

    def model(self) -> BaseModel:
        """The parameters as the operator's model."""
        return params_model(self.operator).model_validate(self.params)
