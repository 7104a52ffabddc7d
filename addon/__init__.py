"""metastudio: the Blender extension.

Importable without Blender too: `metastudio.core` never imports bpy, and `metastudio.bl`
holds the bpy adapters used by the extension and by the farm's workers. Only register()
and unregister() touch Blender's registry.
"""


def _modules():
    from . import preferences
    from .ops import farm, sample_shot
    from .ui import panels

    return (preferences, sample_shot, farm, panels)


def register() -> None:
    """Register the settings (saved with each .blend, and per session), operators, panels."""
    import bpy

    from .bl.propgroup import property_group_for
    from .core.settings import StudioSession, StudioSettings

    bpy.types.Scene.metastudio = bpy.props.PointerProperty(
        type=property_group_for(StudioSettings), name="metastudio")
    bpy.types.WindowManager.metastudio = bpy.props.PointerProperty(
        type=property_group_for(StudioSession), name="metastudio")
    for module in _modules():
        module.register()


def unregister() -> None:
    """Undo register(), in reverse order."""
    import bpy

    from .bl.propgroup import unregister_property_groups

    for module in reversed(_modules()):
        module.unregister()
    del bpy.types.WindowManager.metastudio
    del bpy.types.Scene.metastudio
    unregister_property_groups()
