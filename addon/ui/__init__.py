"""Panels of the "Studio" tab in the 3D Viewport's sidebar."""
