"""What both front-ends share, on QtCore alone: the session flow (session_flow.py: pain
before, the safety notice, the voice, ..., the pain after), the session driver, the voice
service, the journal recorder, commands and keys, and the texts both show.

Layers: core <- speech <- runtime <- {gui, terminal_player}. Nothing here imports gui/,
QtWidgets or QtGui (tests/unit/test_layers.py), so the terminal player needs no display.
"""
