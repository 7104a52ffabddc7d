"""What Export Avatar works on: copies of a character's parts in a scene of their own
(the originals keep their data and get their names back), and the plain materials and
readings of the hair that the baking, the hair cards and the writers share."""

from __future__ import annotations

import contextlib

import bpy
import numpy as np

from ...core.character.build import MATERIALS
from ...core.errors import OperatorError
from ..character.garments import garments_of
from ..nodes import ensure_node_tree

VRM_ADDON = "io_scene_vrm"
EYES = MATERIALS.index("eyes")  # the body's eye material slot


class Made:
    """What the export made (a scene of its own, objects, meshes, materials, images)
    and the names it borrowed, undone in one place whether the export succeeds or
    fails."""

    def __init__(self) -> None:
        self.objects, self.blocks, self.renamed = [], [], []
        self.body = self.source_body = None  # the body's copy, and the body
        self.addon_enabled_here = False
        # Garments' plain materials by (colour, roughness): parts of one garment share
        # one (a coat's body, skirts and lapels), within the avatar's material budget.
        self.plain: dict[tuple, bpy.types.Material] = {}
        # A scene of its own: the exporters and the bake see only the avatar's copies.
        self.scene = bpy.data.scenes.new("metastudio avatar export")
        self.collection = bpy.data.collections.new("metastudio avatar export")
        self.scene.collection.children.link(self.collection)

    def take_name(self, block) -> str:
        """Free `block`'s name for what replaces it in the file; it is given back when
        the export ends."""
        for other, name in self.renamed:
            if other is block:
                return name
        name = block.name
        self.renamed.append((block, name))
        block.name = f"{name} (exporting)"
        return name

    @contextlib.contextmanager
    def current(self):
        """The export's scene as the window's while the exporters run: they work on
        the current scene (mode switches included), and see only the avatar in it."""
        window = bpy.context.window or next(iter(bpy.context.window_manager.windows),
                                            None)
        if window is None:
            raise OperatorError("export: Blender has no window to export from")
        previous = window.scene
        window.scene = self.scene
        try:
            with bpy.context.temp_override(window=window):
                yield
        finally:
            window.scene = previous

    def context(self, active=None):
        """A context override in which the export's scene is the current one (and
        `active` the active, selected object)."""
        more = {} if active is None else {
            "active_object": active, "object": active, "selected_objects": [active],
            "selected_editable_objects": [active]}
        return bpy.context.temp_override(scene=self.scene,
                                         view_layer=self.scene.view_layers[0], **more)

    def remove(self) -> None:
        # Besides the copies: what the VRM add-on made in the export's scene (its
        # spring-bone colliders are empties).
        for obj in list(self.scene.objects):
            if obj not in self.objects:
                bpy.data.objects.remove(obj)
        for obj in self.objects:
            bpy.data.objects.remove(obj)
        for block in self.blocks:
            _remove_block(block)
        for obj, name in self.renamed:
            obj.name = name
        bpy.data.scenes.remove(self.scene)
        if self.addon_enabled_here and bpy.app.background:
            # Headless (a farm worker, a script): leave no add-on registered, as with
            # Rigify (bpy 4.5 as a module hangs at exit while classes are registered).
            import addon_utils

            addon_utils.disable(VRM_ADDON, default_set=True)
        bpy.data.collections.remove(self.collection)


def _remove_block(block) -> None:
    for library in (bpy.data.meshes, bpy.data.armatures, bpy.data.materials,
                    bpy.data.images):
        if block.name in library and library[block.name] == block:
            library.remove(block)
            return


class Parts:
    def __init__(self, rig, meshes, body) -> None:
        self.rig, self.meshes, self.body = rig, meshes, body
        self.springs: list[list[str]] = []  # bone chains that swing (hair locks)
        self.skirt_springs: list[list[str]] = []  # and round skirts
        self.head = None  # the rig's head bone, when the rig has a humanoid map


def copies(name: str, body, rig, made: Made) -> Parts:
    """The rig (its data copied: the VRM settings go on the copy) and the meshes (data
    shared) as new objects in the export collection, named as the avatar's parts."""
    rig_copy = None
    if rig is not None:
        rig_copy = _copy(rig, made)
        rig_copy.data = rig.data.copy()
        made.blocks.append(rig_copy.data)
    meshes = []
    for obj in [body] + [garment for _, garment in sorted(garments_of(name).items())]:
        copy = _copy(obj, made)
        for modifier in list(copy.modifiers):
            # Real-time engines skin and shade; thickness and subdivision cost triangles.
            if modifier.type in ("SUBSURF", "SOLIDIFY"):
                copy.modifiers.remove(modifier)
            elif modifier.type == "ARMATURE":
                modifier.object = rig_copy
        if rig_copy is not None:
            copy.parent = rig_copy
        meshes.append(copy)
    made.body, made.source_body = meshes[0], body
    # The body's own data: baking gives its eyes UVs of their own (avatar/bake).
    made.body.data = body.data.copy()
    made.blocks.append(made.body.data)
    return Parts(rig_copy, meshes, meshes[0])


def _copy(obj, made: Made):
    """A copy in the export collection that takes the original's name (the file's
    nodes are named as the scene's objects)."""
    name = made.take_name(obj)
    copy = obj.copy()
    copy.name = name
    link(copy, made)
    return copy


def link(obj, made: Made) -> None:
    for collection in list(obj.users_collection):
        collection.objects.unlink(obj)
    made.collection.objects.link(obj)
    made.objects.append(obj)


def select(context, parts: Parts) -> None:
    """The parts selected and the rig (or the body) active, in the current scene."""
    context.view_layer.update()  # objects linked a moment ago get their bases
    for obj in context.view_layer.objects:
        obj.select_set(False)
    for obj in parts.meshes + ([parts.rig] if parts.rig else []):
        obj.select_set(True)
    context.view_layer.objects.active = parts.rig or parts.body


def add_chains(parts: Parts, made: Made, parent: str, chains, names, to_rig,
               end: float = 0.03) -> list[list[str]]:
    """Chains of bones in the export's rig, each hung from `parent` through its joints
    (points in the space `to_rig` maps from), with a short end bone past the last joint
    (a spring's tip needs a length); `names(chain, joint)` names them (both from 1).
    Returns the chains' bone names."""
    from mathutils import Vector

    out = []
    with made.current():
        select(bpy.context, Parts(parts.rig, [], None))
        bpy.ops.object.mode_set(mode="EDIT")
        try:
            bones = parts.rig.data.edit_bones
            for number, joints in enumerate(chains, start=1):
                points = [to_rig @ Vector(p) for p in joints]
                points.append(points[-1] + (points[-1] - points[-2]).normalized() * end)
                above, chain = bones[parent], []
                for j in range(len(points) - 1):
                    bone = bones.new(names(number, j + 1))
                    bone.head, bone.tail = points[j], points[j + 1]
                    bone.parent, bone.use_connect = above, j > 0
                    above = bone
                    chain.append(bone.name)
                out.append(chain)
        finally:
            bpy.ops.object.mode_set(mode="OBJECT")
    return out


def avatar_figures(parts: Parts) -> dict[str, int]:
    triangles = 0
    materials = set()
    for obj in parts.meshes:
        mesh = obj.data
        mesh.calc_loop_triangles()
        triangles += len(mesh.loop_triangles)
        materials.update(slot.material.name for slot in obj.material_slots if slot.material)
    bones = len(parts.rig.data.bones) if parts.rig is not None else 0
    return {"triangles": triangles, "materials": len(materials), "bones": bones}


def material_indices(mesh) -> np.ndarray:
    indices = np.zeros(len(mesh.polygons), np.int32)
    mesh.polygons.foreach_get("material_index", indices)
    return indices


def pack(image) -> None:
    """Keep the image inside the file as a PNG named after it: FBX and USD writers tell
    images apart by their file names (unnamed ones collapsed into one in Blender 4.x;
    the names have no spaces, which 4.5's USD writer replaces in its references only)."""
    image.file_format = "PNG"
    image.filepath_raw = f"//{image.name}.png"
    image.pack()


def pbr(original, image, made: Made, alpha: bool = False) -> bpy.types.Material:
    """A Principled BSDF with the baked image: what glTF and VRM carry as PBR."""
    material = bpy.data.materials.new("material")
    made.blocks.append(material)
    material.name = made.take_name(original)
    ensure_node_tree(material)
    nodes, links = material.node_tree.nodes, material.node_tree.links
    bsdf = next(n for n in nodes if n.type == "BSDF_PRINCIPLED")
    theirs = original.node_tree.nodes if original.node_tree is not None else ()
    source = next((n for n in theirs if n.type == "BSDF_PRINCIPLED"), None)
    # Hair (a Principled Hair shader, no Principled BSDF) is matte as a sheet of cards.
    roughness = source.inputs["Roughness"].default_value if source else 0.75
    bsdf.inputs["Roughness"].default_value = roughness
    texture = nodes.new("ShaderNodeTexImage")
    texture.image = image
    links.new(texture.outputs["Color"], bsdf.inputs["Base Color"])
    if alpha:
        # Alpha through a Round node: glTF's exporter writes that as MASK (a cut-out;
        # cards sort badly when blended).
        cut = nodes.new("ShaderNodeMath")
        cut.operation = "ROUND"
        links.new(texture.outputs["Alpha"], cut.inputs[0])
        links.new(cut.outputs[0], bsdf.inputs["Alpha"])
        _alpha_clip(material)
    # Garments are single sheets here (no thickness): seen from inside at the hems.
    material.use_backface_culling = False
    return material


def plain(original, made: Made) -> bpy.types.Material:
    """A Principled BSDF of the original's colour and roughness, no texture: a garment
    is one dyed fabric (its shader's variation is a few percent), and garments of one
    colour and fabric share the material."""
    theirs = original.node_tree.nodes if original.node_tree is not None else ()
    source = next((n for n in theirs if n.type == "BSDF_PRINCIPLED"), None)
    roughness = source.inputs["Roughness"].default_value if source else 0.75
    colour = tuple(original.diffuse_color)
    key = (tuple(round(c, 3) for c in colour), round(roughness, 2))
    if key in made.plain:
        return made.plain[key]
    material = bpy.data.materials.new("material")
    made.blocks.append(material)
    material.name = made.take_name(original)
    ensure_node_tree(material)
    bsdf = next(n for n in material.node_tree.nodes if n.type == "BSDF_PRINCIPLED")
    bsdf.inputs["Base Color"].default_value = colour
    bsdf.inputs["Roughness"].default_value = roughness
    material.diffuse_color = colour
    material.use_backface_culling = False  # single sheets, seen from inside at hems
    made.plain[key] = material
    return material


def _alpha_clip(material) -> None:
    """Alpha as a cut-out (glTF MASK): cards sort badly when blended."""
    if hasattr(material, "blend_method"):  # 4.x; 4.2+ also reads surface_render_method
        material.blend_method = "CLIP"
    if hasattr(material, "surface_render_method"):
        material.surface_render_method = "DITHERED"


def read_strands(hair, body) -> tuple[np.ndarray, np.ndarray]:
    """The hair object's curves in the body's space: points and curve offsets."""
    curves = hair.data
    points = np.empty(len(curves.points) * 3, np.float32)
    curves.attributes["position"].data.foreach_get("vector", points)
    points = points.reshape(-1, 3)
    to_body = np.array(body.matrix_world.inverted() @ hair.matrix_world)
    points = points @ to_body[:3, :3].T + to_body[:3, 3]
    offsets = np.array([curve.first_point_index for curve in curves.curves]
                       + [len(curves.points)])
    return points.astype(float), offsets


def hair_colour(hair) -> tuple[float, float, float]:
    """The hair's own colour (linear): the strand shader is given it to the power 1.6,
    since light scattered through many strands brightens it; a card shows one layer."""
    material = hair.active_material
    if material is not None and material.node_tree is not None:
        for node in material.node_tree.nodes:
            if node.type == "BSDF_HAIR_PRINCIPLED":
                return tuple(c ** (1 / 1.6) for c in node.inputs["Color"].default_value[:3])
    return (0.1, 0.06, 0.04)
