"""Trees, bushes and rocks on a background's terrain: a small procedural model of each
kind, instanced on seeded points by a geometry-nodes modifier (each point's size and turn
are attributes), so thousands cost one object per kind."""

from __future__ import annotations

import bmesh
import bpy
import numpy as np
from mathutils import Matrix

from ...core.background.scatter import Scatter
from ...core.background.trees import SPECIES, TreeMesh, grow_models, grow_tree
from ..nodes import ensure_node_tree, let_light_through, new_material

COLOURS = {"reeds": (0.16, 0.15, 0.06)}
VARIANTS = {"low": 1, "medium": 2, "high": 3}  # trees of one species that differ
# Trees nearer the rendering camera than this (metres) are the models with real-sized
# leaves, the others the models whose leaves are cards: a card is about a metre, a
# dozen pixels across at this distance in a 640-pixel frame at 50 mm.
NEAR_TREES = 60.0
LEAF_SHADE = "leaf shade"


def _material(name: str) -> bpy.types.Material:
    material = bpy.data.materials.get(f"Background {name}") or bpy.data.materials.new(
        f"Background {name}")
    ensure_node_tree(material)
    bsdf = material.node_tree.nodes["Principled BSDF"]
    bsdf.inputs["Base Color"].default_value = (*COLOURS[name], 1.0)
    bsdf.inputs["Roughness"].default_value = 0.8
    return material


def _tree_materials(species: str, snowy: bool = False,
                    dry: bool = False) -> list[bpy.types.Material]:
    """Bark (darker in its cracks, birch's dark marks) and leaves that let light through
    (a leaf lit from behind glows) and differ a little from tree to tree (the instance's
    random number shifts their hue and value), so a forest is not one green."""
    form = SPECIES[species]
    bark = bpy.data.materials.get(f"Background {species} bark")
    if bark is None:
        bark, nodes, links, bsdf = new_material(f"Background {species} bark", 0.9)
        noise = nodes.new("ShaderNodeTexNoise")
        noise.inputs["Scale"].default_value = 6.0 if species == "birch" else 25.0
        ramp = nodes.new("ShaderNodeValToRGB")
        dark = tuple(c * (0.15 if species == "birch" else 0.5) for c in form.bark)
        ramp.color_ramp.elements[0].color = (*dark, 1.0)
        ramp.color_ramp.elements[1].color = (*form.bark, 1.0)
        ramp.color_ramp.elements[0].position = 0.45 if species == "birch" else 0.3
        ramp.color_ramp.elements[1].position = 0.5 if species == "birch" else 0.7
        links.new(noise.outputs["Fac"], ramp.inputs["Fac"])
        links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    name = f"Background {species} leaves" + (" snowy" if snowy else "") + (
        " dry" if dry else "")
    leaves = bpy.data.materials.get(name)
    if leaves is None:
        leaves, nodes, links, bsdf = new_material(name, 0.55)
        info = nodes.new("ShaderNodeObjectInfo")
        shift = nodes.new("ShaderNodeHueSaturation")
        # Dry land's shrubs are grey-olive, not a watered green.
        foliage = (0.09, 0.09, 0.05) if dry else form.foliage
        shift.inputs["Color"].default_value = (*foliage, 1.0)
        hue = nodes.new("ShaderNodeMapRange")  # random 0..1 -> hue 0.47..0.53
        hue.inputs["To Min"].default_value, hue.inputs["To Max"].default_value = 0.47, 0.53
        value = nodes.new("ShaderNodeMapRange")  # and value 0.75..1.3
        value.inputs["To Min"].default_value, value.inputs["To Max"].default_value = 0.75, 1.3
        links.new(info.outputs["Random"], hue.inputs["Value"])
        # The value by half the tree's number and half the leaf's own shade: up close
        # single leaves read, some lighter, some darker.
        shade = nodes.new("ShaderNodeAttribute")
        shade.attribute_name = LEAF_SHADE
        half = nodes.new("ShaderNodeMath")
        half.operation, half.inputs[1].default_value = "MULTIPLY", 0.5
        links.new(shade.outputs["Fac"], half.inputs[0])
        both = nodes.new("ShaderNodeMath")
        both.operation, both.inputs[1].default_value = "MULTIPLY_ADD", 0.5
        links.new(info.outputs["Random"], both.inputs[0])
        links.new(half.outputs[0], both.inputs[2])
        links.new(both.outputs[0], value.inputs["Value"])
        links.new(hue.outputs["Result"], shift.inputs["Hue"])
        links.new(value.outputs["Result"], shift.inputs["Value"])
        colour = shift.outputs["Color"]
        if snowy:  # snow lies on what faces the sky
            up = nodes.new("ShaderNodeSeparateXYZ")
            links.new(nodes.new("ShaderNodeNewGeometry").outputs["Normal"], up.inputs[0])
            lying = nodes.new("ShaderNodeMapRange")
            lying.inputs["From Min"].default_value, lying.inputs["From Max"].default_value = (
                0.2, 0.6)
            links.new(up.outputs["Z"], lying.inputs["Value"])
            snow = nodes.new("ShaderNodeMix")
            snow.data_type = "RGBA"
            snow.inputs["B"].default_value = (0.8, 0.82, 0.85, 1.0)
            links.new(lying.outputs["Result"], snow.inputs["Factor"])
            links.new(colour, snow.inputs["A"])
            colour = snow.outputs["Result"]
        links.new(colour, bsdf.inputs["Base Color"])
        let_light_through(leaves.node_tree, bsdf, shift.outputs["Color"], 0.3)
    return [bark, leaves]


def _tree(species: str, seed: int, snowy: bool = False, dry: bool = False,
          near: bool = False, tree: TreeMesh | None = None) -> bpy.types.Mesh:
    """A tree of the species (core.background.trees) as a mesh: bark, then leaves, each
    leaf with a random shade (the "leaf shade" face attribute). `near`: the model whose
    cards are filled with real-sized leaves; `tree`: the model already grown."""
    tree = tree or grow_tree(species, seed, near)
    mesh = bpy.data.meshes.new(f"Background {species}" + (" near" if near else ""))
    faces = np.vstack([tree.bark, tree.leaves])
    mesh.vertices.add(len(tree.vertices))
    mesh.vertices.foreach_set("co", tree.vertices.ravel())
    mesh.loops.add(faces.size)
    mesh.loops.foreach_set("vertex_index", faces.ravel())
    mesh.polygons.add(len(faces))
    mesh.polygons.foreach_set("loop_start", np.arange(0, faces.size, 4))
    mesh.update()
    for material in _tree_materials(species, snowy, dry):
        mesh.materials.append(material)
    bark = np.arange(len(faces)) < len(tree.bark)
    mesh.polygons.foreach_set("material_index", (~bark).astype(np.int32))
    mesh.polygons.foreach_set("use_smooth", bark)  # round stems, crisp leaves
    shade = np.random.default_rng(seed).random(len(faces)).astype(np.float32)
    mesh.attributes.new(LEAF_SHADE, "FLOAT", "FACE").data.foreach_set("value", shade)
    return mesh


def tree_mesh(species: str, seed: int, snowy: bool = False, dry: bool = False
              ) -> bpy.types.Mesh:
    """One tree to stand alone near the camera (a prop's anchor): the model with
    real-sized leaves."""
    return _tree(species, seed, snowy, dry, near=True)


def _boulder(bm, seed: int) -> None:
    """A boulder: a ball roughened by a few octaves of noise, split along two or three
    planes (the flat faces where rock cleaves), its foot flattened into the ground."""
    from mathutils import Vector, noise

    rng = np.random.default_rng(seed + 7)
    bmesh.ops.create_icosphere(bm, subdivisions=3, radius=1.0)
    offset = Vector(rng.uniform(-50, 50, 3))
    for vert in bm.verts:
        at = vert.co.copy()
        rough = noise.fractal(at * 1.3 + offset, 0.6, 2.0, 4)
        vert.co = at * (1.0 + 0.35 * rough)
        vert.co.z *= 0.65
    for _ in range(int(rng.integers(2, 4))):
        normal = Vector(rng.normal(0, 1, 3)).normalized()
        normal.z = abs(normal.z) * 0.5 + 0.2  # cleaves on the sides and top, not below
        normal.normalize()
        cut = bmesh.ops.bisect_plane(bm, geom=bm.verts[:] + bm.edges[:] + bm.faces[:],
                                     plane_co=normal * rng.uniform(0.55, 0.75),
                                     plane_no=normal, clear_outer=True)
        edges = [e for e in cut["geom_cut"] if isinstance(e, bmesh.types.BMEdge)]
        if edges:
            bmesh.ops.holes_fill(bm, edges=edges)
    for vert in bm.verts:
        vert.co.z = max(vert.co.z, -0.25)  # sits in the ground


def _rock_material() -> bpy.types.Material:
    """Grey rock with lighter and darker mineral patches, lichen-dark hollows and a
    gritty bump."""
    material = bpy.data.materials.get("Background rock")
    if material is not None:
        return material
    material, nodes, links, bsdf = new_material("Background rock", 0.85)
    where = nodes.new("ShaderNodeTexCoord").outputs["Object"]
    patches = nodes.new("ShaderNodeTexNoise")
    patches.inputs["Scale"].default_value = 2.5
    patches.inputs["Detail"].default_value = 6.0
    links.new(where, patches.inputs["Vector"])
    ramp = nodes.new("ShaderNodeValToRGB")
    ramp.color_ramp.elements[0].color = (0.08, 0.08, 0.075, 1.0)
    ramp.color_ramp.elements[1].color = (0.3, 0.29, 0.27, 1.0)
    ramp.color_ramp.elements[0].position, ramp.color_ramp.elements[1].position = 0.35, 0.7
    links.new(patches.outputs["Fac"], ramp.inputs["Fac"])
    links.new(ramp.outputs["Color"], bsdf.inputs["Base Color"])
    grit = nodes.new("ShaderNodeTexNoise")
    grit.inputs["Scale"].default_value = 25.0
    grit.inputs["Detail"].default_value = 8.0
    links.new(where, grit.inputs["Vector"])
    bump = nodes.new("ShaderNodeBump")
    bump.inputs["Strength"].default_value = 0.4
    links.new(grit.outputs["Fac"], bump.inputs["Height"])
    links.new(bump.outputs["Normal"], bsdf.inputs["Normal"])
    return material


def _prototype(kind: str, seed: int) -> bpy.types.Mesh:
    """One model of a kind other than a tree (add_scatter grows those), about its real
    size in metres."""
    bm = bmesh.new()
    slots = []
    if kind == "reeds":
        # A clump of thin blades leaning a little outwards, up to two metres tall.
        rng = np.random.default_rng(seed + 11)
        for _ in range(14):
            angle, lean = rng.uniform(0, 2 * np.pi), rng.uniform(0.0, 0.25)
            tall = rng.uniform(1.2, 2.2)
            place = Matrix.Translation((0.35 * rng.random() * np.cos(angle),
                                        0.35 * rng.random() * np.sin(angle), tall / 2))
            tilt = Matrix.Rotation(lean, 4, (np.sin(angle), -np.cos(angle), 0.0))
            bmesh.ops.create_cone(bm, cap_ends=False, segments=3, radius1=0.02,
                                  radius2=0.0, depth=tall, matrix=tilt @ place)
        slots.append(_material("reeds"))
    else:
        _boulder(bm, seed)
        slots.append(_rock_material())
    mesh = bpy.data.meshes.new(f"Background {kind}")
    bm.to_mesh(mesh)
    bm.free()
    for material in slots:
        mesh.materials.append(material)
    mesh.polygons.foreach_set("use_smooth", np.full(len(mesh.polygons), True))
    return mesh


def _attribute(nodes, name: str):
    """The output of a node reading the point's float attribute `name`."""
    read = nodes.new("GeometryNodeInputNamedAttribute")
    read.data_type = "FLOAT"
    read.inputs["Name"].default_value = name
    return read.outputs["Attribute"]


def _near_camera(nodes, links):
    """A field: is the point nearer the scene's active camera than NEAR_TREES? (The
    camera at the frame rendered: each shot's cut to its camera re-chooses.)"""
    camera = nodes.new("GeometryNodeObjectInfo")
    camera.transform_space = "RELATIVE"
    links.new(nodes.new("GeometryNodeInputActiveCamera").outputs[0],
              camera.inputs["Object"])
    distance = nodes.new("ShaderNodeVectorMath")
    distance.operation = "DISTANCE"
    links.new(nodes.new("GeometryNodeInputPosition").outputs[0], distance.inputs[0])
    links.new(camera.outputs["Location"], distance.inputs[1])
    near = nodes.new("FunctionNodeCompare")
    near.data_type, near.operation = "FLOAT", "LESS_THAN"
    near.inputs["B"].default_value = NEAR_TREES
    links.new(distance.outputs["Value"], near.inputs["A"])
    return near.outputs["Result"]


def _instancer(name: str, prototype: bpy.types.Object, turn: bool,
               move=None, near: bpy.types.Object | None = None) -> bpy.types.NodeTree:
    """Geometry nodes that put the prototype on every point, scaled by the point's "size"
    attribute and, with `turn`, turned about Z by its "turn" attribute. `move(nodes,
    links, points)` may insert nodes before that and return the points to place. With a
    `near` model, the points near the active camera get it instead (level of detail)."""
    group = bpy.data.node_groups.new(f"{name} instances", "GeometryNodeTree")
    group.interface.new_socket("Geometry", in_out="INPUT", socket_type="NodeSocketGeometry")
    group.interface.new_socket("Geometry", in_out="OUTPUT", socket_type="NodeSocketGeometry")
    nodes, links = group.nodes, group.links
    given, result = nodes.new("NodeGroupInput"), nodes.new("NodeGroupOutput")
    points = given.outputs[0] if move is None else move(nodes, links, given.outputs[0])
    chosen = None if near is None else _near_camera(nodes, links)
    placed = []
    for model_object, selection in ((prototype, "far"), (near, "near")):
        if model_object is None:
            continue
        model = nodes.new("GeometryNodeObjectInfo")
        model.inputs["Object"].default_value = model_object
        place = nodes.new("GeometryNodeInstanceOnPoints")
        links.new(points, place.inputs["Points"])
        links.new(model.outputs["Geometry"], place.inputs["Instance"])
        links.new(_attribute(nodes, "size"), place.inputs["Scale"])
        if turn:
            rotation = nodes.new("ShaderNodeCombineXYZ")
            links.new(_attribute(nodes, "turn"), rotation.inputs["Z"])
            links.new(rotation.outputs["Vector"], place.inputs["Rotation"])
        if chosen is not None:
            if selection == "far":
                invert = nodes.new("FunctionNodeBooleanMath")
                invert.operation = "NOT"
                links.new(chosen, invert.inputs[0])
                links.new(invert.outputs[0], place.inputs["Selection"])
            else:
                links.new(chosen, place.inputs["Selection"])
        placed.append(place.outputs["Instances"])
    if len(placed) == 1:
        links.new(placed[0], result.inputs[0])
    else:
        join = nodes.new("GeometryNodeJoinGeometry")
        for output in reversed(placed):  # the join's input takes links newest first
            links.new(output, join.inputs[0])
        links.new(join.outputs[0], result.inputs[0])
    return group


def _hidden(name: str, mesh: bpy.types.Mesh, collection) -> bpy.types.Object:
    obj = bpy.data.objects.new(name, mesh)
    obj.hide_render = obj.hide_viewport = True
    collection.objects.link(obj)
    return obj


def instanced(kind: str, model: bpy.types.Mesh, positions: np.ndarray,
              attributes: dict[str, np.ndarray], collection,
              move=None, near_model: bpy.types.Mesh | None = None
              ) -> list[tuple[str, bpy.types.Object]]:
    """A hidden object holding `model` (and one holding `near_model`, for the points near
    the camera) and a point cloud instancing it on `positions` (with per-point float
    `attributes`: "size", and "turn" if given): (role, object) pairs for all. `move` as
    for the instancing nodes."""
    prototype = _hidden(f"Background {kind} model", model, collection)
    near = None
    if near_model is not None:
        near = _hidden(f"Background {kind} near model", near_model, collection)
    points = bpy.data.meshes.new(f"Background {kind}")
    points.vertices.add(len(positions))
    points.vertices.foreach_set("co", positions.astype(np.float32).ravel())
    for name, values in attributes.items():
        attribute = points.attributes.new(name, "FLOAT", "POINT")
        attribute.data.foreach_set("value", values.astype(np.float32))
    obj = bpy.data.objects.new(f"Background {kind}", points)
    modifier = obj.modifiers.new("Instances", "NODES")
    modifier.node_group = _instancer(f"Background {kind}", prototype, "turn" in attributes,
                                     move, near)
    collection.objects.link(obj)
    made = [(f"{kind} model", prototype), (kind, obj)]
    return made + ([(f"{kind} near model", near)] if near is not None else [])


def add_scatter(items: list[Scatter], collection, seed: int, variants: int = 1,
                snowy: bool = False, dry: bool = False) -> list[tuple[str, bpy.types.Object]]:
    """A hidden model and an instancing point cloud per kind (per variant, for trees:
    `variants` different trees of each species share its points; `snowy`: snow on their
    leaves; `dry`: a dry land's greys): (role, object) pairs."""
    made = []
    for item in items:
        count = variants if item.kind in SPECIES else 1
        which = np.arange(len(item.positions)) % count
        for variant in range(count):
            mine = which == variant
            if not mine.any():
                continue
            own = seed + 101 * variant
            near, model = None, None
            if item.kind in SPECIES:
                far_tree, near_tree = grow_models(item.kind, own)
                model = _tree(item.kind, own, snowy, dry, tree=far_tree)
                if near_tree is not None:
                    near = _tree(item.kind, own, snowy, dry, near=True, tree=near_tree)
            made += instanced(item.kind, model or _prototype(item.kind, own),
                              item.positions[mine],
                              {"size": item.sizes[mine], "turn": item.turns[mine]},
                              collection, near_model=near)
    return made
