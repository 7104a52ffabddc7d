"""metastudio core: data models and algorithms. Never imports bpy."""
