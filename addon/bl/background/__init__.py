"""The Build Background operator's Blender side (build.build_background): terrain, water,
scatter, settlements, rooms, props, weather, grass, and the stage a shot sees."""
