"""Entry point of the frozen app: PyInstaller runs this file as __main__.

The one executable is the GUI, the command line (validate, list, plan, play) and the speech
worker: a frozen app has no python to run ``-m routineplayer.speech.render_worker`` with, so
speech/renderer.py starts ``<this executable> --speech-render-worker`` instead.
"""

import multiprocessing
import sys

from routineplayer.speech.renderer import FROZEN_WORKER_FLAG  # no Qt, no pyttsx3


def _run() -> int:
    if sys.argv[1:] == [FROZEN_WORKER_FLAG]:
        # Before importing the app: the worker must not pay for (or print from) Qt.
        from routineplayer.speech.render_worker import main as worker_main

        return worker_main()
    from routineplayer.cli import main

    return main()


if __name__ == "__main__":
    # multiprocessing's "spawn" children (and its resource tracker) also run this executable
    # again; freeze_support(), replaced by PyInstaller's runtime hook, recognises their
    # arguments, runs the child's code and exits before the app starts.
    multiprocessing.freeze_support()
    sys.exit(_run())
