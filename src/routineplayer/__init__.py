"""routineplayer: guided exercise and breathing routines with spoken cues."""

__version__ = "0.1.0"
APP_ID = "io.github.routineplayer.RoutinePlayer"
APP_NAME = "routineplayer"
