"""Light the cast as a cinematographer lights people on location: a soft key from the
sun's side, well round from the camera (55 degrees: the face keeps its shape), a weak
fill from the other side, a rim from behind on the key's side, all linked to the cast
alone (Cycles' light linking), so the faces read as skin in every shot while the world
keeps its own sun and sky. By day the key takes the sun's colour; at night it is a cool
moonlight and the fill is weaker (a night look, not a studio)."""

from __future__ import annotations

import math

import bpy
from mathutils import Vector

from .background.build import TAG

COLLECTION = "Cast lighting"
# Irradiance aimed for, in sun-lamp units (W/m2): a clear noon sun here is 4.
KEY_DAY, KEY_NIGHT = 3.0, 0.8
FILL_SHARE, RIM_SHARE = 0.12, 0.9  # a fill ratio of about 1:8: faces keep their shape
DISTANCE = 3.0  # metres from the cast's heads
# An area light of P watts, one metre across, lights a surface 3 m away square on as a
# sun of P / 33 (measured in Cycles): so P = strength * AREA_WATTS * (d / 3 m)^2.
AREA_WATTS = 33.0


def _power(strength: float, distance: float) -> float:
    return strength * AREA_WATTS * (distance / 3.0) ** 2


def _lamp(scene, collection, name: str, at: Vector, aim: Vector, power: float,
          size: float, colour) -> bpy.types.Object:
    data = bpy.data.lights.get(name) or bpy.data.lights.new(name, "AREA")
    data.energy, data.size, data.color = power, size, colour
    data.shape = "DISK"
    obj = bpy.data.objects.get(name) or bpy.data.objects.new(name, data)
    if obj.name not in collection.objects:
        collection.objects.link(obj)
    obj.location = at
    obj.rotation_mode = "QUATERNION"
    obj.rotation_quaternion = (aim - at).to_track_quat("-Z", "Y")
    return obj


def light_cast(scene, cast_collections: list[bpy.types.Collection], heads: list[Vector],
               camera_at: Vector) -> list[bpy.types.Object]:
    """Key, fill and rim for the cast (their collections), aimed at the middle of their
    heads from around the wide camera at `camera_at`; returns the three lamps."""
    receivers = bpy.data.collections.get(COLLECTION) or bpy.data.collections.new(COLLECTION)
    for child in cast_collections:
        if child.name not in receivers.children:
            receivers.children.link(child)
    lamps = bpy.data.collections.get(f"{COLLECTION} lamps")
    if lamps is None:
        lamps = bpy.data.collections.new(f"{COLLECTION} lamps")
        scene.collection.children.link(lamps)

    middle = sum(heads, Vector()) / len(heads)
    toward_camera = camera_at - middle
    toward_camera.z = 0.0
    toward_camera.normalize()
    sun = next((o for o in scene.objects if o.get(TAG) == "sun"), None)
    night = sun is None or sun.data.energy <= 1.0
    # Which side of the camera the key comes from: the sun's, when the sun is in front
    # of the cast; camera left otherwise.
    side = 1.0
    colour = (0.8, 0.87, 1.0) if night else (1.0, 0.96, 0.9)
    right = Vector((toward_camera.y, -toward_camera.x, 0.0))  # the camera's right
    if sun is not None and not night:
        to_sun = sun.matrix_world.to_3x3() @ Vector((0.0, 0.0, 1.0))
        side = 1.0 if to_sun.dot(right) >= 0 else -1.0
        # The sun's colour, warmed as a gold reflector warms it: skin under a neutral
        # key against a blue sky reads grey.
        colour = tuple(c * w for c, w in zip(sun.data.color, (1.0, 0.92, 0.85), strict=True))
    key_strength = KEY_NIGHT if night else KEY_DAY

    def around(degrees: float, rise: float) -> Vector:
        """A point DISTANCE from the heads, turned from the camera's bearing."""
        turn = math.radians(degrees)
        flat = toward_camera * math.cos(turn) + right * side * math.sin(turn)
        return middle + flat * DISTANCE * math.cos(rise) + Vector(
            (0, 0, DISTANCE * math.sin(rise)))

    made = [
        _lamp(scene, lamps, "Cast key", around(55.0, math.radians(30)), middle,
              _power(key_strength, DISTANCE), 1.5, colour),
        _lamp(scene, lamps, "Cast fill", around(-50.0, math.radians(10)), middle,
              _power(key_strength * FILL_SHARE * (0.6 if night else 1.0), DISTANCE), 2.5,
              (0.8, 0.87, 1.0) if night else (1.0, 0.95, 0.9)),
        _lamp(scene, lamps, "Cast rim", around(150.0, math.radians(35)), middle,
              _power(key_strength * RIM_SHARE, DISTANCE), 1.0, colour),
    ]
    for lamp in made:
        lamp.light_linking.receiver_collection = receivers
        lamp.visible_camera = False  # a lamp is never in shot
    return made
