"""The Export Avatar operator's Blender side (export.export_avatar): copies of a character
with plain baked materials, hair cards, skirt bones, and the VRM 1.0, GLB, FBX and USD
writers."""
