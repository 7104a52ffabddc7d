"""What the Background operator builds: one pydantic model for the panel, the farm and the
command line. Fields left empty (None) come from the description, then from defaults; a
field given explicitly always wins."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

TimeOfDay = Literal["dawn", "morning", "noon", "afternoon", "sunset", "dusk", "night"]
Biome = Literal["forest", "grassland", "desert", "mountains", "snowfield", "coast", "canyon",
                "wetland", "volcanic", "city"]
Weather = Literal["clear", "cloudy", "overcast", "fog", "rain", "snow", "storm"]
Water = Literal["none", "lake", "river", "sea"]
RoomKind = Literal["none", "classroom", "science_lab", "library", "museum", "office",
                   "living_room", "kitchen", "studio", "auditorium"]
RoomSize = Literal["small", "medium", "large"]
SettlementKind = Literal["none", "village", "town", "harbour"]
TreeSpecies = Literal["pine", "spruce", "fir", "oak", "maple", "birch", "willow", "palm"]
MAX_EXTENT = 5000.0  # metres: beyond this the terrain's detail and memory run away


class BackgroundSpec(BaseModel):
    """A world behind the characters: a description, and any fields set by hand."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field("", max_length=2000,
                             description="the world in words (\"misty pine forest at dawn, "
                                         "a lake in the valley\")")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="same seed, same world")
    extent: float = Field(400.0, ge=10.0, le=MAX_EXTENT,
                          description="size of the terrain square, in metres")
    detail: Literal["low", "medium", "high"] = Field("medium",
                                                     description="terrain and scatter detail")
    room: RoomKind | None = Field(
        None, description="an indoor place the world is (none: outdoors); unset, the room "
                          "the description names")
    room_size: RoomSize | None = Field(None, description="how big the room is; unset, as "
                                                         "the description says, else medium")
    settlement: SettlementKind | None = Field(
        None, description="houses round a square and along a street (a harbour: along "
                          "its quays, boats moored), outdoors (none: open land); unset, as "
                          "the description names one")
    time_of_day: TimeOfDay | None = Field(None, description="when the sun is where")
    biome: Biome | None = Field(None, description="what the land is")
    weather: Weather | None = Field(None, description="sky and air")
    water: Water | None = Field(None, description="water in the scene")
    sun_elevation: float | None = Field(None, ge=-30, le=90, description="degrees")
    sun_azimuth: float | None = Field(None, ge=0, le=360, description="degrees from north")
    fog_density: float | None = Field(None, ge=0, le=1, description="0 clear air, 1 thick")
    cloud_cover: float | None = Field(None, ge=0, le=1, description="0 none, 1 overcast")
    terrain_roughness: float | None = Field(None, ge=0, le=1, description="0 smooth")
    terrain_height: float | None = Field(None, ge=0, le=2000, description="relief, metres")
    vegetation_density: float | None = Field(None, ge=0, le=1, description="0 bare")
    trees: list[TreeSpecies] | None = Field(
        None, max_length=8, description="the species that grow (empty: none); unset, those "
                                        "the description names, else the land's own")
    elevation_map: Path | None = Field(
        None,
        description="real terrain instead of noise: a .npy/.npz height grid, a height image "
                    "(16-bit PNG, EXR, TIFF), or sample:jacksboro / sample:topobathy")
    reference_image: Path | None = Field(
        None, description="a photo or painting whose horizon, sky and ground colours the "
                          "world takes (PNG, JPEG, EXR...)")
    reference_use: Literal["grade", "backplate"] = Field(
        "grade", description="grade: tint sky, ground and framing by the image; backplate: "
                             "the camera also sees the image behind the world")
