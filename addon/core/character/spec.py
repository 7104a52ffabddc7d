"""What the Character operator builds: one pydantic model for the panel, the farm and
the command line. Fields left empty (None) are taken from the description, then from
defaults; a field given explicitly always wins."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..fields import COLOR

EyeColor = Literal["brown", "hazel", "amber", "green", "blue", "grey"]
Top = Literal["none", "short_sleeves", "long_sleeves", "hoodie", "jacket", "coat", "dress"]
Bottom = Literal["none", "shorts", "trousers", "skirt"]
Ancestry = Literal["mixed", "african", "asian", "european"]
Rig = Literal["default", "game_engine", "mixamo", "rigify", "none"]
HairStyle = Literal["none", "buzz", "short", "bob", "shoulder", "long", "ponytail", "bun",
                    "braid"]
HairTexture = Literal["straight", "wavy", "curly", "coily"]
FacialHair = Literal["none", "stubble", "moustache", "beard"]
Glasses = Literal["none", "round", "rectangular"]
Hat = Literal["none", "beanie", "cap", "sun_hat", "fedora"]
# An RGB colour that may be left unset (Annotated outside the Optional: a dict marker
# inside a Union cannot be hashed).
OptionalColor = Annotated[tuple[float, float, float] | None, {"subtype": COLOR}]


class CharacterSpec(BaseModel):
    """A human character: a description, and any fields the artist sets by hand."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field("", max_length=2000,
                             description="who to make, in words (\"a tall elderly woman "
                                         "with dark skin in a red jacket\")")
    name: str = Field("Character", min_length=1, max_length=60,
                      description="the character's name; building again with the same "
                                  "name updates it")
    seed: int = Field(0, ge=0, le=2**31 - 1,
                      description="varies what neither the fields nor the description "
                                  "fix (a crowd: one seed each)")
    gender: float | None = Field(None, ge=0, le=1, description="0 female, 1 male")
    age: float | None = Field(None, ge=1, le=90, description="age in years")
    height: float | None = Field(None, ge=0, le=1, description="0 short, 1 tall")
    weight: float | None = Field(None, ge=0, le=1, description="0 thin, 1 heavy")
    muscle: float | None = Field(None, ge=0, le=1, description="0 slight, 1 muscular")
    proportions: float | None = Field(None, ge=0, le=1,
                                      description="0 uncommon, 1 idealised proportions")
    ancestry: Ancestry | None = Field(None, description="body and face shape by ancestry")
    skin_tone: float | None = Field(None, ge=0, le=1, description="0 lightest, 1 darkest")
    eye_color: EyeColor | None = Field(None, description="colour of the irises")
    hair: HairStyle | None = Field(
        None, description="haircut: none (bald), buzz, short, bob, shoulder-length, "
                          "long, ponytail, bun or braid")
    hair_texture: HairTexture | None = Field(
        None, description="straight, wavy, curly or coily")
    hair_part: Literal["centre", "left", "right"] | None = Field(
        None, description="where the hair parts")
    facial_hair: FacialHair | None = Field(
        None, description="none (clean-shaven), stubble, a moustache or a beard")
    hair_color: OptionalColor = Field(None, description="colour of the hair")
    glasses: Glasses | None = Field(None, description="none, round or rectangular "
                                                      "frames")
    hat: Hat | None = Field(None, description="none, a knitted beanie, a baseball cap, "
                                              "a wide-brimmed sun hat or a fedora")
    hat_color: OptionalColor = Field(None, description="colour of the hat")
    top: Top | None = Field(None, description="what covers the upper body")
    top_color: OptionalColor = Field(None, description="colour of the top")
    bottom: Bottom | None = Field(None, description="what covers the legs")
    bottom_color: OptionalColor = Field(None, description="colour of the bottom")
    shoes_color: OptionalColor = Field(None, description="colour of the shoes")
    rig: Rig = Field("default", description="skeleton: MakeHuman's default (with face "
                                            "bones), game engine, Mixamo names, Rigify "
                                            "controls, or none")
    face_shapes: bool = Field(True, description="the 52 ARKit face shapes and the "
                                                "lip-sync mouth shapes")
    detail: Literal["low", "high"] = Field("low", description="high adds a subdivision "
                                                              "surface for renders")
    hair_density: float = Field(1.0, ge=0.02, le=1.0,
                                description="the share of the detail level's hair "
                                            "strands to grow (a scene lowers it where "
                                            "heads are small on screen)")

    @field_validator("top_color", "bottom_color", "shoes_color", "hat_color")
    @classmethod
    def _unit_range(cls, value):
        if value is not None and any(not 0.0 <= c <= 1.0 for c in value):
            raise ValueError("each channel must be between 0 and 1")
        return value
