"""What the Track Performance operator does: one pydantic model for the panel, the farm
and the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class DriveSpec(BaseModel):
    """What a performer drives, and how steadily: shared by tracking a clip and live
    mode."""

    model_config = ConfigDict(extra="forbid")

    armature: str = Field("", description="the rig to drive (empty: the active armature, "
                                          "or the scene's only one)")
    bone_map: Literal["metastudio", "mixamo", "rigify"] = Field(
        "metastudio", description="how the rig's bones are named: the character's own "
                                  "rig, Mixamo's (with or without mixamorig:), or a "
                                  "Rigify rig's FK controls (its limbs are switched to FK)")
    face_mesh: str = Field("", description="the mesh with ARKit face shape keys (empty: "
                                           "the rig's child that has them)")
    body: bool = Field(True, description="bake the body onto the rig")
    face: bool = Field(True, description="bake the face onto its shape keys")
    hands: bool = Field(False, description="track the hands too and pose the fingers "
                                           "(slower)")
    strength: float = Field(0.5, ge=0.0, le=1.0,
                            description="smoothing: 0 as tracked, 1 a steady hold")
    responsiveness: float = Field(0.5, ge=0.0, le=1.0,
                                  description="how much fast moves get through smoothing")


class TrackSpec(DriveSpec):
    """Drive a character's body and face from a video of a performer."""

    video: Path = Field(description="the performance: a video file, a folder of frames or "
                                    "a pattern such as shot_*.png")
    root_motion: bool = Field(False, description="move the hips as the performer moves: "
                                                 "across, up and down, nearer and further")
    foot_lock: bool = Field(True, description="keep a planted foot still on the ground "
                                              "(the hips move instead)")
    start_frame: int = Field(1, ge=-1_000_000, le=1_000_000,
                             description="the scene frame the clip's first frame lands on")
    reference: bool = Field(True, description="show the video on a plane beside the "
                                              "character, for comparison")


class LiveSpec(DriveSpec):
    """Drive a character live from a camera (or a video file standing in for one), in
    the viewport; optionally keyed when live mode stops."""

    camera: str = Field("0", max_length=4096,
                        description="the camera's index (0: the first webcam), or a video "
                                    "file to play as if it were the camera")
    mirror: bool = Field(False, description="flip the picture left to right, as a "
                                            "webcam's preview does")
    record: bool = Field(True, description="key what was performed when live mode stops")
    max_frames: int = Field(0, ge=0, le=1_000_000,
                            description="stop after this many frames (0: at Esc, or at "
                                        "the end of a video file)")
