"""What both front-ends share, on QtCore alone: the session driver, the voice service, the
journal recorder, commands and keys, and the texts both show.

Layers: core <- speech <- runtime <- {gui, terminal_player}. Nothing here imports gui/,
QtWidgets or QtGui (tests/unit/test_layers.py), so the terminal player needs no display.
"""
