"""Tracking a performer on video (no bpy): frames in, landmarks out, filtered."""
