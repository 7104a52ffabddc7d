"""metastudio: the Blender extension.

Importable without Blender too: `metastudio.core` never imports bpy, and `metastudio.bl`
holds the bpy adapters used by the extension and by the farm's workers. Only register()
and unregister() touch Blender's registry.
"""


def register() -> None:
    """Register the settings saved with each .blend and the Studio tab's panels."""
    import bpy

    from .bl.propgroup import property_group_for
    from .core.settings import StudioSettings
    from .ui import panels

    bpy.types.Scene.metastudio = bpy.props.PointerProperty(
        type=property_group_for(StudioSettings), name="metastudio")
    panels.register()


def unregister() -> None:
    """Undo register(), in reverse order."""
    import bpy

    from .bl.propgroup import unregister_property_groups
    from .ui import panels

    panels.unregister()
    del bpy.types.Scene.metastudio
    unregister_property_groups()
