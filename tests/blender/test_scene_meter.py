"""Metering a scene's shots: an exposure per shot, keyed at its cut, all undone by the
scene guard when the build that metered is cancelled."""

from tests.bpy_process import run_bpy


def test_each_shot_is_metered_and_a_rollback_leaves_no_key_or_look():
    result = run_bpy("""
        import bpy
        from metastudio.bl.scene_guard import SceneGuard
        from metastudio.bl.scene_meter import meter_shots
        from metastudio.bl.animation import fcurves

        bpy.ops.wm.read_factory_settings(use_empty=True)
        scene = bpy.context.scene
        scene.render.engine = "CYCLES"
        settings = scene.view_settings
        settings.view_transform = "AgX"
        before = (settings.look, settings.exposure)
        # A bright white wall seen close and a dim one seen far: two shots.
        bpy.ops.mesh.primitive_plane_add(size=20, location=(0, 0, 0), rotation=(1.5708, 0, 0))
        bpy.ops.object.light_add(type="SUN", rotation=(1.5708, 0, 0))
        bpy.context.object.data.energy = 3.0
        cameras = []
        for name, y in (("near", -2.0), ("far", -60.0)):
            data = bpy.data.cameras.new(name)
            data.clip_end = 500
            camera = bpy.data.objects.new(name, data)
            camera.location, camera.rotation_euler = (0, y, 0), (1.5708, 0, 0)
            scene.collection.objects.link(camera)
            cameras.append(camera)
        scene.world = bpy.data.worlds.new("night")
        scene.world.color = (0, 0, 0)
        for frame, camera in ((1, cameras[0]), (20, cameras[1])):
            scene.timeline_markers.new(f"shot {frame}", frame=frame).camera = camera
        guard = SceneGuard()
        exposures = meter_shots(scene, guard)
        curves = [c for c in fcurves(scene) if c.data_path == "view_settings.exposure"]
        keyed = [tuple(p.co) for p in curves[0].keyframe_points]
        metered_look = settings.look
        guard.rollback()
        left = [c.data_path for c in fcurves(scene)]
        result = {"exposures": exposures, "keyed": keyed, "look": metered_look,
                  "before": before, "after": (settings.look, settings.exposure),
                  "left": left}
    """)
    near, far = result["exposures"]["near"], result["exposures"]["far"]
    assert near != far  # each shot exposed for what it sees
    assert [frame for frame, _ in result["keyed"]] == [1.0, 20.0]
    assert "High Contrast" in result["look"]
    assert result["after"] == result["before"]  # the look and the exposure put back
    assert "view_settings.exposure" not in result["left"]  # and the keys gone
