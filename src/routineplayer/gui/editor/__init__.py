"""The routine editor: build, change and share routines without touching a text file."""

from routineplayer.gui.editor.editor_window import EditorWindow

__all__ = ["EditorWindow"]
