"""The Qt-free heart of routineplayer: model, YAML I/O, timeline, session, journal, paths.

Nothing in this package may import PySide6 or pyttsx3 (tests/unit/test_layers.py checks).
"""
