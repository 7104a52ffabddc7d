"""Make Background in a real bpy: what it builds, the same world for the same seed,
re-runs that replace only its own objects, and bad input that changes nothing."""

from tests.bpy_process import run_bpy

SETUP = """
import bpy, json
import numpy as np
import metastudio
metastudio.register()
bpy.ops.wm.read_factory_settings(use_empty=True)

def make(**params):
    return sorted(bpy.ops.metastudio.make_background(params_json=json.dumps(params)))

def heights():
    terrain = bpy.data.objects["Terrain"]
    co = np.zeros(len(terrain.data.vertices) * 3)
    terrain.data.vertices.foreach_get("co", co)
    return co.reshape(-1, 3)[:, 2]

def ground():
    terrain = bpy.data.objects["Terrain"]
    data = terrain.data.color_attributes["ground"].data
    rgba = np.zeros(len(data) * 4)
    data.foreach_get("color", rgba)
    return rgba.reshape(-1, 4)[:, :3].mean(axis=0).tolist()
"""


def test_background_is_built_deterministic_and_replaced():
    result = run_bpy(SETUP + """
mine = bpy.data.objects.new("Hero", None)
bpy.context.scene.collection.objects.link(mine)
first = make(description="misty pine forest at dawn, a lake in the valley", seed=4,
             detail="low")
built = sorted(o.name for o in bpy.data.collections["Background"].objects)
depsgraph = bpy.context.evaluated_depsgraph_get()
trees = sum(1 for i in depsgraph.object_instances
            if i.is_instance and i.object.name.startswith("Background pine"))
summary = bpy.data.objects["Terrain"]["metastudio_resolved_summary"]
forest_colour, a = ground(), heights()
world = bpy.context.scene.world.name
make(description="misty pine forest at dawn, a lake in the valley", seed=4, detail="low")
b = heights()
make(description="sand as far as the eye can see at noon", seed=5, detail="low")
c, desert_colour = heights(), ground()
result = {
    "first": first, "built": built, "summary": summary, "world": world, "trees": trees,
    "same_seed_same": bool(np.array_equal(a, b)), "other_seed_differs": bool(
        not np.array_equal(a, c)),
    "forest": forest_colour, "desert": desert_colour,
    "terrains": sorted(o.name for o in bpy.data.objects if o.name.startswith("Terrain")),
    "collections": sorted(c.name for c in bpy.data.collections),
    "hero": "Hero" in bpy.data.objects,
    "worlds": len(bpy.data.worlds),
}
""")
    assert result["first"] == ["FINISHED"]
    assert {"Fog", "Sun", "Terrain", "Water", "Background pine",
            "Background pine model"} <= set(result["built"])  # the pines it names
    assert result["trees"] > 20  # instanced on the terrain, above the water
    assert result["summary"] == "dawn, forest, fog, water: lake"
    assert result["world"] == "Background sky"
    assert result["same_seed_same"] and result["other_seed_differs"]
    forest, desert = result["forest"], result["desert"]
    assert forest[1] > forest[0] and desert[0] > desert[2] * 1.5  # green vs sand
    assert result["terrains"] == ["Terrain"] and result["collections"] == ["Background"]
    assert result["hero"] and result["worlds"] == 1


def test_trees_near_the_camera_get_real_sized_leaves():
    result = run_bpy(SETUP + """
from metastudio.bl.background.scatter import NEAR_TREES
make(description="a pine forest", seed=4, detail="low")
scene = bpy.context.scene
camera = bpy.data.objects.new("Camera", bpy.data.cameras.new("Camera"))
scene.collection.objects.link(camera)
scene.camera = camera
models = {}
for where in ((0.0, 0.0, 2.0), (-120.0, 80.0, 2.0)):
    camera.location = where
    depsgraph = bpy.context.evaluated_depsgraph_get()
    depsgraph.update()
    seen = {"near": [], "far": []}
    for i in depsgraph.object_instances:
        if i.is_instance and i.object.name == "Background pine":
            # (the instances of one point cloud: the model by its mesh's name)
            kind = "near" if i.object.data.name.endswith("near") else "far"
            seen[kind].append((i.matrix_world.translation - camera.location).length)
    models[str(where)] = seen
quads = {name: len(bpy.data.objects[name].data.polygons)
         for name in ("Background pine model", "Background pine near model")}
result = {"models": models, "near": NEAR_TREES, "quads": quads}
""")
    near_distance = result["near"]
    for seen in result["models"].values():
        assert seen["near"] and seen["far"]
        assert max(seen["near"]) < near_distance <= min(seen["far"])
    first, second = result["models"].values()
    assert len(first["near"]) != len(second["near"])  # chosen again where the camera is
    assert result["quads"]["Background pine near model"] > 5 * result["quads"][
        "Background pine model"]


def test_far_ranges_stand_on_the_horizon_of_mountains_not_of_the_sea():
    result = run_bpy(SETUP + """
import math
from mathutils import Vector
seen = {}
for text in ("jagged alpine peaks at noon", "a palm beach at sunset"):
    make(description=text, seed=1, detail="low")
    depsgraph = bpy.context.evaluated_depsgraph_get()
    terrain = bpy.data.objects["Terrain"]
    eye = Vector((0.0, 0.0, max(v.co.z for v in terrain.data.vertices) + 2.0))
    hits = []
    for k in range(24):  # rays 3 degrees above the level, all round
        a = 2 * math.pi * k / 24
        direction = Vector((math.cos(a), math.sin(a), math.tan(math.radians(3.0))))
        hit, _, _, _, obj, _ = bpy.context.scene.ray_cast(depsgraph, eye,
                                                          direction.normalized())
        hits.append(obj.name if hit else None)
    seen[text] = hits
result = {"seen": seen, "objects": sorted(o.name for o in bpy.data.objects)}
""")
    alps, beach = result["seen"].values()
    # From above the highest of the land, the ranges rise round the horizon...
    assert alps.count("Background ranges") >= 18
    # ... and the sea runs to it: no ranges in the beach's world.
    assert "Background ranges" not in beach + result["objects"]


def test_a_classroom_encloses_its_camera_and_its_furniture_stands_apart_on_the_floor():
    result = run_bpy(SETUP + """
import math
from mathutils import Vector
assert make(description="a small classroom on a rainy morning", seed=3) == ["FINISHED"]
scene = bpy.context.scene
depsgraph = bpy.context.evaluated_depsgraph_get()
floor = next(o for o in bpy.data.objects if o.get("metastudio_background") == "floor")
room = json.loads(floor["metastudio_room"])
x0, y0, x1, y1 = room["bounds"]
eye = Vector((0.0, y0 + 0.6, 1.6))  # where the preview's camera stands
hits = []
for k in range(12):
    for tilt in (-60, -20, 0, 20, 60):
        a, t = 2 * math.pi * k / 12, math.radians(tilt)
        d = Vector((math.cos(a) * math.cos(t), math.sin(a) * math.cos(t), math.sin(t)))
        hit, where, _, _, obj, _ = scene.ray_cast(depsgraph, eye, d)
        hits.append(obj.get("metastudio_background") if hit else None)
# Furniture on the floor: each piece's lowest point and its box in plan.
boxes = []
for obj in scene.objects:
    if "metastudio_item" not in obj:
        continue
    corners = [obj.matrix_world @ Vector(c) for c in obj.bound_box]
    boxes.append({"kind": obj.get("metastudio_background"),
                  "low": min(c.z for c in corners),
                  "plan": [min(c.x for c in corners), min(c.y for c in corners),
                           max(c.x for c in corners), max(c.y for c in corners)],
                  "on": room["items"][obj["metastudio_item"]]["at"][2]})
# The cast's spot: nothing above the floor within a metre of the origin.
free = all(not scene.ray_cast(depsgraph, Vector((x, y, 2.2)), Vector((0, 0, -1)))[0]
           or scene.ray_cast(depsgraph, Vector((x, y, 2.2)), Vector((0, 0, -1)))[1].z < 0.01
           for x in (-1.0, 0.0, 1.0) for y in (-1.0, 0.0, 1.0))
result = {"hits": hits, "boxes": boxes, "free": free,
          "summary": floor["metastudio_resolved_summary"], "bounds": room["bounds"]}
""")
    assert result["summary"] == "small classroom, morning, outside: grassland, rain"
    # Every way the camera looks it meets the room (or the sky and land through a window).
    allowed = {"walls", "floor", "ceiling", "window frames", "light panels"}
    inside = [h for h in result["hits"] if h is not None]
    assert len(inside) >= 0.9 * len(result["hits"])
    assert sum(h in allowed for h in inside) >= 0.6 * len(inside)
    assert result["free"]
    floor_items = [b for b in result["boxes"] if b["on"] == 0.0]
    assert len(floor_items) >= 8
    for box in floor_items:
        assert abs(box["low"]) < 0.02, box  # on the floor: not floating, not sunk
    for i, a in enumerate(floor_items):
        for b in floor_items[i + 1:]:
            pa, pb = a["plan"], b["plan"]
            overlap = min(pa[2], pb[2]) - max(pa[0], pb[0]), min(pa[3], pb[3]) - max(
                pa[1], pb[1])
            assert min(overlap) < 0.01, (a, b)


def test_a_villages_houses_stand_on_the_land_neither_floating_nor_buried():
    result = run_bpy(SETUP + """
from metastudio.bl.background.build import ground_height
from metastudio.core.background.settlement import build_settlement
assert make(description="a quiet village on a summer afternoon", seed=1,
            detail="low") == ["FINISHED"]
terrain = bpy.data.objects["Terrain"]
level = json.loads(terrain["metastudio_settlement"])["level"]
place = build_settlement("village", 1)
ground = [ground_height(terrain, x, y) - level for house in place.houses
          for x, y in ((house.footprint()[0], house.footprint()[1]),
                       (house.footprint()[2], house.footprint()[3]), (house.x, house.y))]
houses = bpy.data.objects["Background houses"]
z = [v.co.z for v in houses.data.vertices]
result = {"ground": ground, "low": min(z) - level, "high": max(z) - level,
          "count": len(place.houses), "summary": terrain["metastudio_resolved_summary"],
          "lamps": sum(1 for o in bpy.data.objects
                       if o.get("metastudio_background") == "lamp")}
""")
    assert result["count"] >= 8 and result["lamps"] >= 6
    # The land under every house is the village's level; the walls go 30 cm into it.
    assert max(abs(g) for g in result["ground"]) < 0.05
    assert -0.35 < result["low"] < -0.25 and 4.0 < result["high"] < 16.0



def test_a_harbours_boats_float_on_its_basin_between_quays_that_stand_on_the_land():
    result = run_bpy(SETUP + """
from mathutils import Vector
from metastudio.bl.background.build import ground_height
from metastudio.core.background.settlement import QUAY_HEIGHT, build_settlement
assert make(description="a harbour town on a sunny morning", seed=1,
            detail="low") == ["FINISHED"]
terrain = bpy.data.objects["Terrain"]
level = json.loads(terrain["metastudio_settlement"])["level"]
role = lambda name: [o for o in bpy.data.objects if o.get("metastudio_background") == name]
water = role("water")[0]
surface = (water.matrix_world @ water.data.vertices[0].co).z
place = build_settlement("harbour", 1)
floor = [terrain.ray_cast(Vector((x, y, 1e4)), Vector((0, 0, -1)))[1].z
         for x in (-6.0, 0.0, 6.0) for y in (20.0, 40.0, 70.0)]
houses = [ground_height(terrain, h.x, h.y) - level for h in place.houses]
result = {"surface": surface - level, "floor": max(floor) - surface,
          "boats": [b.location.z - surface for b in role("boat")],
          "houses": houses, "walls": len(role("quay walls")), "piers": len(role("piers")),
          "lighthouse": len(role("lighthouse"))}
""")
    assert abs(result["surface"] + 1.5) < 1e-4  # the quays a metre and a half above it
    assert result["floor"] < -3.0  # the basin is deep water, no land shows through
    assert len(result["boats"]) >= 4 and all(abs(z) < 1e-4 for z in result["boats"])
    assert max(abs(g) for g in result["houses"]) < 0.05
    assert result["walls"] == 1 and result["lighthouse"] == 1 and result["piers"] == 1


def test_props_from_words_stand_on_the_ground_in_the_view_of_the_staged_world():
    result = run_bpy(SETUP + """
from mathutils import Vector
from metastudio.bl.background.stage import stage_world
assert make(description="a bench under an oak in a meadow at noon, a bicycle by the "
                        "bench", seed=3, detail="low") == ["FINISHED"]
scene = bpy.context.scene
stage_world(scene, 3)
terrain = bpy.data.objects["Terrain"]
bpy.context.view_layer.update()
props = {}
for obj in bpy.data.objects:
    if not obj.get("metastudio_background", "").startswith("prop"):
        continue
    corners = [obj.matrix_world @ Vector(c) for c in obj.bound_box]
    x, y = obj.matrix_world.translation.x, obj.matrix_world.translation.y
    under = terrain.ray_cast(Vector((x, y, 1e4)), Vector((0, 0, -1)))[1].z
    # (a tree's roots reach below its foot, as the scattered trees' do: its foot counts)
    low = obj.matrix_world.translation.z if obj.name.endswith("tree") else min(
        c.z for c in corners)
    props[obj["metastudio_background"]] = {"x": x, "y": y, "low": low - under}
result = props
""")
    bench = next(v for k, v in result.items() if k == "prop bench")
    bike = next(v for k, v in result.items() if k == "prop bicycle")
    oak = next(v for k, v in result.items() if k == "prop tree")
    for prop in (bench, bike, oak):  # on the ground: neither floating nor sunk deep
        assert -0.3 < prop["low"] < 0.02, result
    # Behind the cast in the wide shot's view, the bench under the oak, the bicycle by it.
    assert 1.5 < bench["y"] < 16.0 and abs(bench["x"]) < 8.0
    assert ((bench["x"] - oak["x"]) ** 2 + (bench["y"] - oak["y"]) ** 2) ** 0.5 < 2.5
    assert ((bench["x"] - bike["x"]) ** 2 + (bench["y"] - bike["y"]) ** 2) ** 0.5 < 3.0

def test_bad_input_changes_nothing():
    result = run_bpy(SETUP + """
make(description="a desert", detail="low")
before = sorted(o.name for o in bpy.data.objects)
try:
    make(extent=100000)
    error = ""
except RuntimeError as exc:
    error = str(exc)
result = {"error": error, "same": before == sorted(o.name for o in bpy.data.objects)}
""")
    assert "extent" in result["error"] and "5000" in result["error"]
    assert result["same"]


def test_river_city_clouds_and_falling_rain():
    result = run_bpy(SETUP + """
make(description="a city at night in the rain", detail="low", seed=2)
names = sorted(o.name for o in bpy.data.collections["Background"].objects)
clouded = any(n.bl_idname == "ShaderNodeTexNoise"
              for n in bpy.context.scene.world.node_tree.nodes)
scene = bpy.context.scene

def drops_z(frame):
    scene.frame_set(frame)
    depsgraph = bpy.context.evaluated_depsgraph_get()
    return np.array([i.matrix_world.translation.z for i in depsgraph.object_instances
                     if i.is_instance and i.parent and i.parent.name == "Background rain"])

z1, z2 = drops_z(1), drops_z(13)
facade = bpy.data.objects["City"].active_material
lit = any(link.to_socket.name == "Emission Strength" for link in facade.node_tree.links)
city_count = len(bpy.data.objects["City"].data.polygons) // 5
make(description="a meadow with a river winding through it", detail="low", seed=3)
ribbon = bpy.data.objects["River"].data
co = np.zeros(len(ribbon.vertices) * 3)
ribbon.vertices.foreach_get("co", co)
co = co.reshape(-1, 3)
half = len(co) // 2
middle = (co[:half] + co[half:]) / 2
terrain = bpy.data.objects["Terrain"].data
t = np.zeros(len(terrain.vertices) * 3)
terrain.vertices.foreach_get("co", t)
t = t.reshape(-1, 3)
under = [t[((t[:, :2] - p[:2]) ** 2).sum(1).argmin(), 2] for p in middle]
river_names = sorted(o.name for o in bpy.data.collections["Background"].objects)
make(description="snowy hills in a blizzard", detail="low", seed=4)
result = {"names": names, "drops": len(z1), "clouded": clouded,
          "fell": float(np.median((z1 - z2) % 25.0)),
          "lit": lit, "buildings": city_count,
          "river_names": river_names,
          "water_over_bed": float(np.mean(np.array(under) < middle[:, 2])),
          "snow_ground": ground(),
          "snow_names": sorted(o.name for o in bpy.data.collections["Background"].objects)}
""")
    assert {"City", "Background rain", "Terrain", "Sun"} <= set(result["names"])
    assert result["clouded"]  # the cloud layer is drawn in the sky
    assert result["drops"] == 3000 and result["buildings"] > 20 and result["lit"]
    # Half a second at 9 m/s: the drops fall 4.5 m (modulo the 25 m box they loop in).
    assert abs(result["fell"] - 4.5) < 0.2
    assert "River" in result["river_names"] and "Water" not in result["river_names"]
    assert result["water_over_bed"] > 0.95
    assert "Background snow" in result["snow_names"]
    assert min(result["snow_ground"]) > 0.5  # the land is white while it snows


def test_reference_image_grades_or_backs_the_world_and_bad_files_are_named(tmp_path):
    plate = tmp_path / "plate.png"
    broken = tmp_path / "broken.png"
    broken.write_text("not an image")
    result = run_bpy(SETUP + f"""
image = bpy.data.images.new("plate", 64, 48)
pixels = np.zeros((48, 64, 4))
pixels[:, :, 3] = 1
pixels[:30] = (0.1, 0.5, 0.2, 1)  # rows run up in Blender: the bottom 30 rows are grass
pixels[30:] = (0.9, 0.5, 0.2, 1)  # an orange sky above
image.pixels.foreach_set(pixels.astype(np.float32).ravel())
image.filepath_raw = {str(plate)!r}
image.file_format = "PNG"
image.save()
make(description="a meadow at noon", detail="low", reference_image={str(plate)!r})
resolved = json.loads(bpy.data.objects["Terrain"]["metastudio_resolved"])
kinds = {{n.bl_idname for n in bpy.context.scene.world.node_tree.nodes}}
make(description="a meadow at noon", detail="low", reference_image={str(plate)!r},
     reference_use="backplate")
plate_kinds = {{n.bl_idname for n in bpy.context.scene.world.node_tree.nodes}}
before = sorted(o.name for o in bpy.data.objects)
errors = []
for path in ({str(broken)!r}, {str(tmp_path / "missing.png")!r}):
    try:
        make(description="a desert", detail="low", reference_image=path)
    except RuntimeError as exc:
        errors.append(str(exc))
result = {{"look": resolved["values"]["reference_look"], "kinds": sorted(kinds),
          "plate_kinds": sorted(plate_kinds), "errors": errors,
          "same": before == sorted(o.name for o in bpy.data.objects),
          "summary": bpy.data.objects["Terrain"]["metastudio_resolved_summary"]}}
""")
    look = result["look"]
    assert abs(look["horizon"] - 18 / 48) < 0.05
    assert look["sky"][0] > look["sky"][2] and look["ground"][1] > look["ground"][0]
    assert "ShaderNodeMix" in result["kinds"] and "ShaderNodeTexImage" not in result["kinds"]
    assert "ShaderNodeTexImage" in result["plate_kinds"]
    assert "broken.png cannot be read" in result["errors"][0]
    assert "missing.png does not exist" in result["errors"][1]
    assert result["same"] and result["summary"].startswith("noon, grassland")


def test_real_elevation_maps_and_height_images(tmp_path):
    ramp = tmp_path / "ramp.png"
    result = run_bpy(SETUP + f"""
make(description="a rocky shore", detail="low", elevation_map="sample:topobathy",
     terrain_height=100)
water = bpy.data.objects["Water"].data.vertices[0].co.z
coast = heights()
notes = json.loads(bpy.data.objects["Terrain"]["metastudio_resolved"])["values"]["water"]
# A 16-bit height image rising from west to east.
image = bpy.data.images.new("ramp", 32, 32, float_buffer=True)
pixels = np.zeros((32, 32, 4), np.float32)
pixels[..., :3] = np.linspace(0, 1, 32)[None, :, None]
pixels[..., 3] = 1
image.pixels.foreach_set(pixels.ravel())
settings = bpy.context.scene.render.image_settings
settings.file_format, settings.color_depth, settings.color_mode = "PNG", "16", "BW"
image.save_render({str(ramp)!r}, scene=bpy.context.scene)
make(description="rolling hills", detail="low", elevation_map={str(ramp)!r},
     terrain_height=30)
terrain = bpy.data.objects["Terrain"].data
co = np.zeros(len(terrain.vertices) * 3)
terrain.vertices.foreach_get("co", co)
co = co.reshape(-1, 3)
west, east = co[co[:, 0] < -50, 2].mean(), co[co[:, 0] > 50, 2].mean()
before = sorted(o.name for o in bpy.data.objects)
try:
    make(description="a desert", detail="low", elevation_map={str(tmp_path / "no.png")!r})
    error = ""
except RuntimeError as exc:
    error = str(exc)
result = {{"water": water, "under": float((coast < water).mean()), "sea": notes,
          "west": float(west), "east": float(east), "top": float(co[:, 2].max()),
          "error": error, "same": before == sorted(o.name for o in bpy.data.objects)}}
""")
    assert result["sea"] == "sea" and 0.05 < result["under"] < 0.95
    assert result["east"] > result["west"] + 10 and abs(result["top"] - 30) < 0.5
    assert "no.png does not exist" in result["error"] and result["same"]
