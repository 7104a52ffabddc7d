"""Backgrounds from a description: sky, terrain, water, vegetation, weather (no bpy)."""
