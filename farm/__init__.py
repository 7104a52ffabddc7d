"""metastudio's render farm on Ray: job store, scheduler, warm Blender workers, CLI."""
