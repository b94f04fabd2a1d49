"""The window: PySide6 widgets over the core session (see runtime/session_driver.py).

Modules here are views (layout only) and controllers (what the views show, what keys do);
heavy Qt modules (QtMultimedia) are imported lazily so the window opens fast.
"""
