"""Voices: speech synthesis, phone alignment and mouth shapes. No bpy here."""
