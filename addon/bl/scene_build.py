"""A scene script made into a Blender scene: the background, the cast placed facing the
camera, every line spoken (or a recording aligned) and keyed on its speaker's mouth, the
sound laid out on the sequencer, idle motion (blinks, breathing, head moves, listeners
looking at the speaker), cameras with cuts on speaker change, render settings."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bpy
from mathutils import Quaternion, Vector

from ..core.character.hair import density_for_head
from ..core.character.spec import CharacterSpec
from ..core.idle import IdleKeys, idle_keys, positions_for
from ..core.scene_script import SceneScript, Shot, TimedLine, shots, timeline
from ..core.voice.keying import key_tracks
from ..core.voice.lipsync import LipSyncSpec, lipsync
from ..core.voice.mouth import MouthCue
from ..core.voice.tts import VoiceSpec, speak, write_wav
from .background.build import TAG, aim_weather, build_background, ground_height, resolved_holder
from .background.grass import plant_grass
from .background.stage import clear_view, stage_world
from .character.build import build_character, find_character
from .lipsync_keys import add_sound_strip, can_play_sound, key_shapes
from .scene_guard import SceneGuard
from .scene_light import light_cast
from .scene_meter import meter_shots

# Cycles samples per quality, each denoised: draft is quick and soft (readable at a
# glance: 4 samples alone were noise), preview about 1.3 s a frame at 320x180 for the
# example on 2 cores, final clean.
SAMPLES = {"draft": 4, "preview": 8, "final": 64}
TURN_DEGREES = 20.0  # the cast turn this far towards each other from the camera
ARM_DROP_DEGREES = 50.0  # from the A-pose of the rest position to hanging at the sides
HEAD_BONES = ("head", "Head", "DEF-spine.006", "ORG-spine.006")
CHEST_BONES = ("spine03", "Spine2", "Spine1", "DEF-spine.003")


@dataclass
class SpokenPart:
    """A line's sound and mouth shapes, before it is placed in time."""

    path: Path
    cues: list[MouthCue]
    duration: float


@dataclass
class BuiltScene:
    """What the builder made: each line in time, the scene's length, the shots."""

    lines: list[TimedLine]
    length: float
    shots: list[Shot]
    sounds: list[tuple[str, int]] = field(default_factory=list)  # (file, start frame)


def frame_at(seconds: float, fps: int) -> int:
    """The scene frame at a time (the scene starts at frame 1 at 0 s)."""
    return 1 + round(seconds * fps)


def speak_lines(script: SceneScript, folder: Path, warnings: list[str]) -> list[SpokenPart]:
    """Every line as sound and mouth shapes: spoken by eSpeak into folder/voices, or a
    recording aligned to its transcript (or recognised). No bpy: may run in a thread."""
    parts = []
    for index, line in enumerate(script.dialogue):
        member = script.member(line.who)
        if line.audio is not None:
            result = lipsync(LipSyncSpec(audio=line.audio, text=line.text or None,
                                         language=member.voice))
            warnings.extend(f"line {index + 1} ({line.who}): {w}" for w in result.warnings)
            parts.append(SpokenPart(line.audio, result.cues, result.duration))
            continue
        spoken = speak(VoiceSpec(text=line.text, voice=member.voice, speed=member.speed,
                                 pitch=member.pitch))
        path = write_wav(spoken.speech, folder / "voices" / f"{index + 1:02d}_{line.who}.wav",
                         make_parents=True)
        parts.append(SpokenPart(path, spoken.cues, spoken.duration))
    return parts


def build_scene(context, script: SceneScript, folder: Path, guard: SceneGuard,
                warnings: list[str], parts: list[SpokenPart] | None = None
                ) -> Iterator[tuple[float, str]]:
    """Steps (fraction, message); the generator's value is a BuiltScene. `folder` holds
    the synthesised voices (folder/voices); `parts` may be spoken beforehand."""
    scene = context.scene
    fps = script.output.fps
    if parts is None:
        yield 0.02, "speaking the lines"
        parts = speak_lines(script, Path(folder), warnings)
    lines, length = timeline(script, [p.duration for p in parts])
    cuts = shots(script, lines, length)
    _render_settings(scene, script, length)

    for fraction, message in build_background(context, script.background, guard, warnings):
        yield 0.05 + 0.3 * fraction, f"background: {message}"
    # Turn the world so the view from the cast's spot shows what was described.
    stage = stage_world(scene, script.background.seed)
    terrain = next((o for o in scene.objects if o.get(TAG) == "terrain"), None)

    names = [member.name for member in script.cast]
    positions = positions_for(names)
    _clear_stage(scene, list(positions.values()), script.camera.lens,
                 stage.clear_to if stage is not None else 0.0)
    plant_grass(scene)
    rigs, faces = {}, {}
    # The hair grows as many strands as the closest shot shows (tiny previews and
    # tests pay for a few hundred, a 720p close-up for all).
    density = density_for_head(closeup_head_pixels(script.output.resolution))
    for number, member in enumerate(script.cast):
        spec = (member.character or CharacterSpec()).model_copy(update={
            "name": member.name, "description": member.description or (
                member.character.description if member.character else "")})
        if "hair_density" not in spec.model_fields_set:
            spec = spec.model_copy(update={"hair_density": density})
        for fraction, message in build_character(context, spec, guard, warnings):
            done = (number + fraction) / len(script.cast)
            yield 0.35 + 0.35 * done, f"{member.name}: {message}"
        face, rig = find_character(member.name)
        rigs[member.name], faces[member.name] = rig, face
        _stand(rig or face, positions[member.name], terrain)

    yield 0.75, "keying the mouths"
    for name in names:
        cues = _cues_of(name, lines, parts)
        if cues and faces[name] is not None:
            tracks = _rest_between_lines(key_tracks(cues, fps, 1, "metastudio"), cues, fps)
            key_shapes(faces[name], tracks, guard)
    built = BuiltScene(lines, length, cuts)
    if can_play_sound():
        for line, part in zip(lines, parts, strict=True):
            frame = frame_at(line.start, fps)
            add_sound_strip(scene, str(part.path), frame, guard,
                            name=f"line {line.index + 1:02d} {line.who}")
            built.sounds.append((str(part.path), frame))
    else:
        warnings.append("this Blender was built without audio: no sound strips added")

    yield 0.85, "idle motion"
    tracked = {m.name for m in script.cast if m.tracking is not None}
    for name in names:
        keys = idle_keys(name, positions, lines, length, script.background.seed)
        _key_idle(faces[name], rigs[name], keys, fps, body=name not in tracked)
    for member in script.cast:
        if member.tracking is not None and rigs[member.name] is not None:
            yield from _track(context, member, rigs[member.name], guard, warnings)

    yield 0.93, "cameras"
    context.view_layer.update()  # the cast's new places into their world matrices
    wide = _cameras(scene, script, cuts, rigs, faces, positions)
    light_cast(scene, [bpy.data.collections[n] for n in names if n in bpy.data.collections],
               [_head_point(rigs[n], faces[n]) for n in names], wide.location)
    aim_weather(scene, terrain)  # the rain or snow in front of the opening camera
    yield 0.96, "metering the light"
    meter_shots(scene, guard)
    yield 1.0, f"{len(lines)} lines, {length:.1f} s"
    return built


ROOM_WIDE_LENS = 28.0  # mm: a room's wide shot shows the room
ROOM_WIDE_BACK = 7.0  # metres back from the cast, if the room is that deep
CLOSEUP_DISTANCE = 0.9  # metres from the head at a 50 mm lens (scaled with the lens)
HEAD_HEIGHT = 0.24  # chin to crown, metres
CLOSEUP_DROP = 0.09  # the close-up's aim below the head bone's middle, metres


def closeup_head_pixels(resolution) -> float:
    """How tall a head is in a close-up (_cameras: 0.9 m at 50 mm, the distance grows
    with the lens, so the framing does not change with it), in pixels; the sensor is
    36 mm across the frame's wider side."""
    width, height = resolution
    frame = CLOSEUP_DISTANCE * 36.0 / 50.0 * min(width, height) / max(width, height)
    return HEAD_HEIGHT / frame * height


def _render_settings(scene, script: SceneScript, length: float) -> None:
    out = script.output
    scene.render.engine = "CYCLES"
    scene.cycles.samples = SAMPLES[out.quality]
    scene.cycles.use_denoising = True
    # The background is built once and stays: keep it between frames (rebuilding it every
    # frame cost about 1 s a frame even for tiny renders).
    scene.render.use_persistent_data = True
    scene.render.resolution_x, scene.render.resolution_y = out.resolution
    scene.render.resolution_percentage = 100
    scene.render.fps, scene.render.fps_base = out.fps, 1.0
    scene.frame_start = 1
    scene.frame_end = max(1, math.ceil(length * out.fps))
    scene.render.image_settings.file_format = "PNG"
    scene.render.filepath = "//frames/frame_####"


def _stand(obj, x: float, terrain) -> None:
    """Stand on the ground at x, facing the camera (-y), turned towards the middle."""
    if obj is None:
        return
    z = ground_height(terrain, x, 0.0) if terrain is not None else 0.0
    obj.location = (x, 0.0, z)
    turn = 0.0 if abs(x) < 1e-6 else -math.copysign(TURN_DEGREES, x)
    obj.rotation_euler = (0.0, 0.0, math.radians(turn))


def wide_distance(xs: list[float], lens: float) -> float:
    """How far the wide camera stands from the cast to frame them all."""
    half_fov = math.atan(18.0 / lens)  # 36 mm sensor width
    spread = (max(xs) - min(xs)) + 1.4  # everyone, with room either side
    return max(2.5, spread / 2 / math.tan(half_fov))


def _clear_stage(scene, xs: list[float], lens: float, view_to: float = 0.0) -> None:
    """Take the background's trees, bushes and rocks off the stage (background/stage.
    clear_view): where the cast stand, between them and the cameras, and behind them."""
    distance = wide_distance(xs, lens)
    clear_view(scene, (min(xs) - 3.5, max(xs) + 3.5), (-(distance + 3.0), 10.0),
               view_to, distance)


def _cues_of(name: str, lines: list[TimedLine], parts: list[SpokenPart]) -> list[MouthCue]:
    """The character's mouth shapes over the whole scene: each of their lines' cues moved
    to the line's time, silence between them."""
    # Rest from the scene's start: the first key then sits at frame 1, so the mouth is
    # shut before the first line rather than held at the first line's first shape.
    cues: list[MouthCue] = [MouthCue(0.0, 0.0, "sil")]
    for line, part in zip(lines, parts, strict=True):
        if line.who != name:
            continue
        if cues[-1].end < line.start:
            cues.append(MouthCue(cues[-1].end, line.start, "sil"))
        cues += [MouthCue(c.start + line.start, c.end + line.start, c.viseme)
                 for c in part.cues]
    return cues if len(cues) > 1 else []


def _rest_between_lines(tracks: dict[str, list[tuple[float, float]]],
                        cues: list[MouthCue], fps: int) -> dict:
    """Hold the mouth shut through silences between a character's lines (and before the
    first): a rest key two frames into each long silence and two frames before it ends,
    so the mouth does not drift open across the gap towards the next line's first shape."""
    rests = []
    for cue in cues:
        if cue.viseme == "sil" and cue.end - cue.start >= 0.5:
            rests += [frame_at(cue.start, fps) + 2, frame_at(cue.end, fps) - 2]
    if not rests:
        return tracks
    merged = {}
    for name, points in tracks.items():
        keyed = {round(frame): value for frame, value in points}
        for frame in rests:
            keyed.setdefault(frame, 0.0)
        merged[name] = sorted((float(f), v) for f, v in keyed.items())
    return merged


def _key_idle(face, rig, keys: IdleKeys, fps: int, body: bool) -> None:
    if face is not None and face.data.shape_keys is not None:
        blocks = face.data.shape_keys.key_blocks
        for side in ("eyeBlinkLeft", "eyeBlinkRight"):
            if side in blocks:
                last = 0
                for seconds, value in keys.blink:
                    # A blink is a frame or two at low frame rates: its keys must not
                    # share a frame, or the open key would overwrite the shut one.
                    last = max(frame_at(seconds, fps), last + 1)
                    blocks[side].value = value
                    blocks[side].keyframe_insert("value", frame=last)
    if rig is None or not body:
        return
    _relax_arms(rig)
    head = next((rig.pose.bones[n] for n in HEAD_BONES if n in rig.pose.bones), None)
    chest = next((rig.pose.bones[n] for n in CHEST_BONES if n in rig.pose.bones), None)
    if head is not None:
        yaw_axis = _local_axis(head, Vector((0, 0, 1)))
        pitch_axis = _local_axis(head, Vector((1, 0, 0)))
        head.rotation_mode = "QUATERNION"
        for (seconds, yaw), (_, pitch) in zip(keys.head_yaw, keys.head_pitch, strict=True):
            head.rotation_quaternion = (Quaternion(yaw_axis, math.radians(yaw))
                                        @ Quaternion(pitch_axis, math.radians(pitch)))
            head.keyframe_insert("rotation_quaternion", frame=frame_at(seconds, fps))
    if chest is not None:
        axis = _local_axis(chest, Vector((1, 0, 0)))
        chest.rotation_mode = "QUATERNION"
        for seconds, degrees in keys.breath:
            chest.rotation_quaternion = Quaternion(axis, math.radians(degrees))
            chest.keyframe_insert("rotation_quaternion", frame=frame_at(seconds, fps))


def _relax_arms(rig) -> None:
    """Lower the arms from the rig's rest pose (MakeHuman's A-pose) to the sides."""
    from ..core.tracking.retarget import BoneMapError, resolve_map

    names = [b.name for b in rig.data.bones]
    for preset in ("metastudio", "mixamo"):
        try:
            found = resolve_map(preset, names)
        except BoneMapError:
            continue
        for side, sign in (("L", 1.0), ("R", -1.0)):
            chain = found.get(f"upper_arm.{side}")
            if not chain:
                continue
            bone = rig.pose.bones[chain[0]]
            # The character faces -y: its left arm points to +x, lowered by turning
            # about +y (and the right arm about -y).
            axis = _local_axis(bone, Vector((0, 1, 0)))
            bone.rotation_mode = "QUATERNION"
            bone.rotation_quaternion = Quaternion(axis, math.radians(sign * ARM_DROP_DEGREES))
            bone.keyframe_insert("rotation_quaternion", frame=1)
        return


def _local_axis(pose_bone, armature_axis: Vector) -> Vector:
    """An axis of the armature expressed in the bone's own rest frame."""
    return (pose_bone.bone.matrix_local.to_3x3().inverted() @ armature_axis).normalized()


def _track(context, member, rig, guard: SceneGuard, warnings: list[str]):
    from ..core.tracking.spec import TrackSpec
    from .tracking import bake_track

    spec = TrackSpec(video=member.tracking, armature=rig.name, face=False, reference=False)
    for _fraction, message in bake_track(context, spec, guard, warnings):
        yield 0.9, f"{member.name}: {message}"


def _head_point(rig, face) -> Vector:
    if rig is not None:
        bone = next((rig.data.bones[n] for n in HEAD_BONES if n in rig.data.bones), None)
        if bone is not None:
            return rig.matrix_world @ bone.head_local.lerp(bone.tail_local, 0.5)
    if face is not None:
        corners = [face.matrix_world @ Vector(c) for c in face.bound_box]
        top = max(c.z for c in corners)
        return Vector((face.location.x, face.location.y, top - 0.12))
    return Vector((0, 0, 1.6))


def _camera(scene, name: str, lens: float, at: Vector, look: Vector,
            f_stop: float | None = None):
    """A camera at `at` looking at `look`; with `f_stop`, focused on `look` with that
    aperture (the face of a close-up sharp, the land behind it soft)."""
    data = bpy.data.cameras.get(name) or bpy.data.cameras.new(name)
    data.lens = lens
    data.clip_start, data.clip_end = 0.05, 5000.0
    data.dof.use_dof = f_stop is not None
    if f_stop is not None:
        data.dof.aperture_fstop = f_stop
        data.dof.focus_distance = (look - at).length
    obj = bpy.data.objects.get(name) or bpy.data.objects.new(name, data)
    if obj.name not in scene.collection.objects:
        scene.collection.objects.link(obj)
    obj.location = at
    obj.rotation_mode = "QUATERNION"
    obj.rotation_quaternion = (look - at).to_track_quat("-Z", "Y")
    return obj


def _cameras(scene, script: SceneScript, cuts: list[Shot], rigs, faces, positions):
    """A wide camera framing everyone, one per speaker for close-ups and medium shots,
    and a timeline marker binding each shot's camera at its first frame; returns the
    wide camera."""
    lens = script.camera.lens
    heads = {name: _head_point(rigs[name], faces[name]) for name in positions}
    xs = [p.x for p in heads.values()]
    middle = Vector((sum(xs) / len(xs), 0.0, sum(p.z for p in heads.values()) / len(heads)))
    wide_lens, distance = lens, wide_distance(xs, lens)
    holder = resolved_holder()
    if holder is not None and "metastudio_room" in holder:
        # Indoors the wide shot is the room: a wider lens (unless the script sets one)
        # from the back of the room, over its desks or seats, never through its wall.
        back = -json.loads(holder["metastudio_room"])["bounds"][1] - 0.4
        if "lens" not in script.camera.model_fields_set:
            wide_lens = ROOM_WIDE_LENS
        distance = min(max(wide_distance(xs, wide_lens), ROOM_WIDE_BACK), back)
    # At eye level, as a dialogue is shot: the horizon runs behind the cast's heads.
    wide_at = middle + Vector((0.0, -distance, -0.1))
    f_stop = script.camera.f_stop
    cameras = {None: _camera(scene, "Cam Wide", wide_lens, wide_at,
                             middle - Vector((0, 0, 0.35)), f_stop)}
    for name, head in heads.items():
        toward = (wide_at - head).normalized()
        # A close-up frames the face, not the head bone's middle (7 cm under the crown,
        # which left a third of the frame above the head and cut the chin): the eyes on
        # the upper third, the crown just inside the top, the chin and a little neck in.
        face_at = head - Vector((0.0, 0.0, CLOSEUP_DROP))
        cameras[("closeup", name)] = _camera(scene, f"Cam {name} close", lens,
                                             face_at + toward * CLOSEUP_DISTANCE * lens / 50,
                                             face_at, f_stop)
        cameras[("medium", name)] = _camera(scene, f"Cam {name} medium", lens,
                                            head + toward * 2.0 * lens / 50,
                                            head - Vector((0, 0, 0.3)), f_stop)
    for marker in [m for m in scene.timeline_markers if m.name.startswith("shot ")]:
        scene.timeline_markers.remove(marker)
    fps = script.output.fps
    for number, shot in enumerate(cuts):
        camera = cameras[None] if shot.framing == "wide" else cameras[(shot.framing,
                                                                       shot.subject)]
        marker = scene.timeline_markers.new(f"shot {number + 1}",
                                            frame=frame_at(shot.start, fps))
        marker.camera = camera
        if number == 0:
            scene.camera = camera
    return cameras[None]
