"""The Make Character operator's Blender side (build.build_character): the body and rig,
the living face, garments as objects of their own, and hair curves."""
