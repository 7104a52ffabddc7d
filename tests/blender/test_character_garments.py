"""Garments in a real bpy: each is its own mesh weighted to the rig, the body never shows
through them (rays from just outside hit the garment before the skin) at rest and in
three poses of the kinds tracking gives (arms raised with the elbows bent, a stride, a
bend with a turn), and building again with other clothes leaves no stale garment."""

from tests.blender.test_character_operator import SETUP
from tests.bpy_process import run_bpy

COVERAGE = SETUP + """
from mathutils import Vector
from mathutils.bvhtree import BVHTree

def evaluated(obj):
    dg = bpy.context.evaluated_depsgraph_get()
    ev = obj.evaluated_get(dg)
    mesh = ev.to_mesh()
    world = obj.matrix_world
    points = [world @ v.co for v in mesh.vertices]
    normals = [(world.to_3x3() @ v.normal).normalized() for v in mesh.vertices]
    polygons = [tuple(p.vertices) for p in mesh.polygons]
    ev.to_mesh_clear()
    return points, normals, polygons

def rest_far_from_hem(obj, rings=3):
    # Vertices of the garment's own mesh (before Solidify) at least `rings` edges
    # from an open hem: what a garment covers for sure.
    mesh = obj.data
    count = {}
    for polygon in mesh.polygons:
        for key in polygon.edge_keys:
            count[key] = count.get(key, 0) + 1
    near = {v for key, n in count.items() if n == 1 for v in key}
    neighbours = {}
    for edge in mesh.edges:
        a, b = edge.vertices
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    for _ in range(rings):
        near |= {n for v in near for n in neighbours.get(v, [])}
    top = max(v.co.z for v in mesh.vertices)
    # A shoe is closed but for its collar, where the leg goes in.
    collar = {v.index for v in mesh.vertices
              if obj["metastudio_garment"] == "shoes" and v.co.z > top - 0.02}
    return [i for i in range(len(mesh.vertices)) if i not in near | collar]

def coverage():
    body_points, _, body_polygons = evaluated(body)
    skin = BVHTree.FromPolygons(body_points, body_polygons)
    covered = total = 0
    worst = []
    for garment in garments:
        points, normals, polygons = evaluated(garment)
        cloth = BVHTree.FromPolygons(points, polygons)
        for i in keep[garment.name][::3]:
            # From just outside the garment (a raised forearm in front of the chest is
            # another limb, not the skin showing through), inwards.
            start = points[i] + normals[i] * 0.012
            direction = -normals[i]
            hit_cloth = cloth.ray_cast(start, direction, 0.1)
            hit_skin = skin.ray_cast(start, direction, 0.1)
            total += 1
            if hit_skin[0] is None or (hit_cloth[0] is not None
                                        and hit_cloth[3] <= hit_skin[3] + 1e-5):
                covered += 1
            else:
                worst.append(garment.name)
    return covered / total, total, sorted(set(worst))

make(description=description)
body = bpy.data.objects["Character"]
rig = bpy.data.objects["Character rig"]
garments = [o for o in bpy.data.objects if "metastudio_garment" in o]
# The unmodified garment's vertex i is vertex i of the evaluated one too (Solidify
# appends the inner shell after the original vertices).
keep = {g.name: rest_far_from_hem(g) for g in garments}
hand_rest = Vector(rig.pose.bones["wrist.L"].head)
results = {"rest": coverage()}
POSES = {
    "arms raised, elbows bent": {"upperarm01.L": (0, 0, -1.3), "upperarm01.R": (0, 0, 1.3),
                                 "lowerarm01.L": (1.2, 0, 0), "lowerarm01.R": (1.2, 0, 0)},
    "striding": {"upperleg01.L": (-0.9, 0, 0), "lowerleg01.L": (1.2, 0, 0),
                 "upperleg01.R": (0.45, 0, 0), "lowerleg01.R": (0.3, 0, 0)},
    "bending and turning": {"spine03": (0.45, 0, 0), "spine04": (0.0, 0.5, 0.0),
                            "upperarm01.L": (0.8, 0, 0), "lowerarm01.L": (1.6, 0, 0),
                            "upperleg01.R": (-0.6, 0, 0), "lowerleg01.R": (1.4, 0, 0)},
}
moved = {}
for name, rotations in POSES.items():
    for bone in rig.pose.bones:
        bone.rotation_mode = "XYZ"
        bone.rotation_euler = (0, 0, 0)
    for bone, angles in rotations.items():
        rig.pose.bones[bone].rotation_euler = angles
    bpy.context.view_layer.update()
    results[name] = coverage()
    moved[name] = (Vector(rig.pose.bones["wrist.L"].head) - hand_rest).length
result = {"coverage": results, "garments": sorted(g.name for g in garments)}
"""


def test_body_never_shows_through_garments_at_rest_or_posed():
    result = run_bpy(COVERAGE, description="a woman in a red t-shirt and blue jeans")
    assert result["garments"] == ["Character bottom", "Character shoes", "Character top"]
    for pose, (fraction, rays, worst) in result["coverage"].items():
        assert rays > 500, pose
        assert fraction >= 0.995, (pose, fraction, worst)


def test_dress_and_skirt_cover_too():
    result = run_bpy(COVERAGE, description="a girl in a long-sleeved dress")
    for pose, (fraction, _, worst) in result["coverage"].items():
        assert fraction >= 0.99, (pose, fraction, worst)


def test_new_clothes_replace_the_old_garments():
    result = run_bpy(SETUP + """
make(description="a man in a jacket and trousers", name="Bo")
make(description="a woman in a dress", name="Bo")
result = {"objects": sorted(o.name for o in bpy.data.objects),
          "meshes": sorted(m.name for m in bpy.data.meshes),
          "curves": len(bpy.data.hair_curves)}
""")
    assert result["objects"] == ["Bo", "Bo eyebrows", "Bo hair", "Bo rig", "Bo shoes",
                                 "Bo top", "Bo top skirt"]
    assert len(result["meshes"]) == 4  # no orphaned garment mesh left behind
    assert result["curves"] == 2


def test_hair_is_strands_rooted_on_the_scalp_that_follow_the_head():
    result = run_bpy(SETUP + """
from mathutils import Vector
from mathutils.bvhtree import BVHTree
make(description="a woman with long wavy hair", name="Ann")
body = bpy.data.objects["Ann"]
rig = bpy.data.objects["Ann rig"]
hair = {o["metastudio_hair"]: o for o in bpy.data.objects if "metastudio_hair" in o}

def roots_off_skin():
    dg = bpy.context.evaluated_depsgraph_get()
    ev = body.evaluated_get(dg)
    mesh = ev.to_mesh()
    skin = BVHTree.FromPolygons([body.matrix_world @ v.co for v in mesh.vertices],
                                [tuple(p.vertices) for p in mesh.polygons])
    ev.to_mesh_clear()
    out = {}
    for kind, obj in hair.items():
        curves = obj.evaluated_get(dg).data
        first = [c.first_point_index for c in curves.curves]
        positions = [obj.matrix_world @ curves.points[i].position for i in first[::25]]
        gaps = [skin.find_nearest(p)[3] for p in positions]
        out[kind] = (len(curves.curves), max(gaps), sorted(gaps)[len(gaps) // 2])
    return out

rest = roots_off_skin()
rig.pose.bones["head"].rotation_mode = "XYZ"
rig.pose.bones["head"].rotation_euler = (0.3, 0.0, 0.5)  # nod and turn the head
rig.pose.bones["neck02"].rotation_mode = "XYZ"
rig.pose.bones["neck02"].rotation_euler = (0.0, 0.0, 0.2)
bpy.context.view_layer.update()
posed = roots_off_skin()
material = hair["hair"].data.materials[0]
result = {"rest": rest, "posed": posed, "kinds": sorted(hair),
          "parent": [hair["hair"].parent.name, hair["hair"].data.surface.name],
          "shader": [n.bl_idname for n in material.node_tree.nodes]}
""")
    assert result["kinds"] == ["eyebrows", "hair"]
    assert result["parent"] == ["Ann", "Ann"]
    assert "ShaderNodeBsdfHairPrincipled" in result["shader"]
    for pose in ("rest", "posed"):
        count, worst, median = result[pose]["hair"]
        assert count >= 3000
        # Roots on the scalp: at most a few millimetres off it, at rest and posed.
        assert median < 0.001 and worst < 0.003, (pose, result[pose])
        assert result[pose]["eyebrows"][1] < 0.004


def test_a_hat_rides_on_the_head_and_keeps_the_hair_under_it_when_the_head_turns():
    result = run_bpy(SETUP + """
from mathutils.bvhtree import BVHTree
make(description="a woman with long straight hair in a red baseball cap", name="Cy")
rig = bpy.data.objects["Cy rig"]
cap = bpy.data.objects["Cy hat"]
hair = bpy.data.objects["Cy hair"]

def poking():
    # Hair points outside the cap's evaluated shell that a ray from the head's centre
    # reaches only after crossing the cap: strands showing through it.
    dg = bpy.context.evaluated_depsgraph_get()
    ev = cap.evaluated_get(dg)
    mesh = ev.to_mesh()
    points = [cap.matrix_world @ v.co for v in mesh.vertices]
    shell = BVHTree.FromPolygons(points, [tuple(p.vertices) for p in mesh.polygons])
    ev.to_mesh_clear()
    centre = sum(points, mathutils.Vector()) / len(points)
    centre.z -= 0.05
    curves = hair.evaluated_get(dg).data
    positions = np.zeros(len(curves.points) * 3)
    curves.attributes["position"].data.foreach_get("vector", positions)
    through = 0
    sample = positions.reshape(-1, 3)[::7]
    for p in sample:
        q = hair.matrix_world @ mathutils.Vector(p)
        ray = q - centre
        hit = shell.ray_cast(centre, ray.normalized(), ray.length)
        through += hit[0] is not None
    return through, len(sample), [tuple(points[i]) for i in (0, 500)]

import mathutils
rest = poking()
bone = rig.pose.bones["head"]
bone.rotation_mode = "XYZ"
bone.rotation_euler = (0.35, 0.0, 0.6)
bpy.context.view_layer.update()
turned = poking()
result = {"groups": [g.name for g in cap.vertex_groups], "crown": "metastudio_crown" in cap,
          "rest": rest[:2], "turned": turned[:2], "moved": [
              (mathutils.Vector(a) - mathutils.Vector(b)).length
              for a, b in zip(rest[2], turned[2])],
          "summary": bpy.data.objects["Cy"]["metastudio_resolved"]}
""")
    assert result["groups"] == ["head"] and result["crown"]
    assert '"hat": "cap"' in result["summary"]
    assert min(result["moved"]) > 0.01  # the cap turned with the head
    for pose in ("rest", "turned"):
        through, total = result[pose]
        assert total > 1000
        # Points of strands crossing the cap: none but a few at its very band.
        assert through <= 0.01 * total, (pose, through, total)
