"""What metastudio saves with a .blend (Blender shows it as `Scene.metastudio`)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from .background.spec import BackgroundSpec
from .character.avatar import AvatarSpec
from .character.spec import CharacterSpec
from .render_job import RenderSettings
from .sample_shot import SampleShotSpec
from .scene_script import ClipSpec, SceneFileSpec
from .tracking.spec import LiveSpec, TrackSpec
from .voice.lipsync_keys import LipSyncKeysSpec, SpeakKeysSpec


class StudioSettings(BaseModel):
    """A scene's metastudio settings; each feature adds its own section."""

    model_config = ConfigDict(extra="forbid")

    sample_shot: SampleShotSpec = Field(default_factory=SampleShotSpec,
                                        description="the Add Sample Shot operator")
    # The recording has no default; the panel starts blank and the operator asks for it.
    lipsync: LipSyncKeysSpec = Field(
        default_factory=lambda: LipSyncKeysSpec.model_construct(audio=Path("")),
        description="the Lip Sync operator")
    speak: SpeakKeysSpec = Field(
        default_factory=lambda: SpeakKeysSpec.model_construct(text=""),
        description="the Speak Line operator")
    character: CharacterSpec = Field(default_factory=CharacterSpec,
                                     description="the Make Character operator")
    avatar: AvatarSpec = Field(default_factory=AvatarSpec,
                               description="the Export Avatar operator")
    background: BackgroundSpec = Field(default_factory=BackgroundSpec,
                                       description="the Make Background operator")
    # The video has no default; the panel starts blank and the operator asks for it.
    track: TrackSpec = Field(
        default_factory=lambda: TrackSpec.model_construct(video=Path("")),
        description="the Track Performance operator")
    live: LiveSpec = Field(default_factory=LiveSpec, description="the Live Performance "
                                                                 "operator")
    render: RenderSettings = Field(default_factory=RenderSettings,
                                   description="rendering this file on the farm")
    # The script has no default; the panel starts blank and the operator asks for it.
    scene_script: SceneFileSpec = Field(
        default_factory=lambda: SceneFileSpec.model_construct(script=Path("")),
        description="the Make Scene operator")
    clip: ClipSpec = Field(default_factory=ClipSpec, description="the Render Clip operator")


class FarmStatus(BaseModel):
    """The last farm render started from this Blender session."""

    running: bool = False
    total: int = Field(0, ge=0)
    done: int = Field(0, ge=0)
    failed: int = Field(0, ge=0)
    message: str = ""
    job_id: str = Field("", description="the job on the farm service, if it went to one")


class StudioSession(BaseModel):
    """A Blender session's state (Blender shows it as `WindowManager.metastudio`). Blender
    writes the window manager into the .blend too, but the farm names jobs by the scene's
    data without it (core.blendfile.scene_digest), so it never changes a job."""

    farm: FarmStatus = Field(default_factory=FarmStatus)
