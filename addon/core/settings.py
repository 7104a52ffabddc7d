"""What metastudio saves with a .blend (Blender shows it as `Scene.metastudio`)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .render_job import RenderSettings


class StudioSettings(BaseModel):
    """A scene's metastudio settings; each feature adds its own section."""

    model_config = ConfigDict(extra="forbid")

    render: RenderSettings = Field(default_factory=RenderSettings,
                                   description="rendering this file on the farm")
