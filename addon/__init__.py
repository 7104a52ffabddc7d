"""metastudio: the Blender extension (operators and panels arrive with their features).

Importable without Blender: `metastudio.core` never imports bpy, and `metastudio.bl`
holds the bpy adapters used by the extension and by the farm's workers.
"""
