"""Characters from the CC0 MakeHuman/MPFB2 data (no bpy here)."""
