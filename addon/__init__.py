"""metastudio: the Blender extension.

Importable without Blender too: `metastudio.core` never imports bpy, and `metastudio.bl`
holds the bpy adapters used by the extension and by the farm's workers. Only register()
and unregister() touch Blender's registry.
"""

import atexit


def _modules():
    from . import preferences
    from .ops import (
        background,
        character,
        farm,
        lipsync,
        live,
        sample_shot,
        scene,
        tracking,
    )
    from .ui import panels

    return (preferences, sample_shot, background, character, lipsync, tracking, live, scene,
            farm, panels)


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
    # bpy 4.5 as a Python module hangs at interpreter exit while a Python operator is
    # still registered (5.0 does not); unregistering on exit avoids it. Blender itself
    # unregisters add-ons before Python ends, which removes this hook first.
    atexit.register(_unregister_at_exit)


def _unregister_at_exit() -> None:
    import bpy

    if hasattr(bpy.types.Scene, "metastudio"):
        unregister()


def unregister() -> None:
    """Undo register(), in reverse order."""
    import bpy

    from .bl.propgroup import unregister_property_groups

    atexit.unregister(_unregister_at_exit)
    for module in reversed(_modules()):
        module.unregister()
    del bpy.types.WindowManager.metastudio
    del bpy.types.Scene.metastudio
    unregister_property_groups()
