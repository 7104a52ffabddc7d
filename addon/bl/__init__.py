"""bpy adapters: scene objects to specs and back. Everything that imports bpy lives here."""
