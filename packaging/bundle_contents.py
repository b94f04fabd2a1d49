"""What goes into the PyInstaller bundle, kept apart from routineplayer.spec so tests can
check it without running PyInstaller (tests/packaging/test_bundle_contents.py).

Plain Python with no PyInstaller imports: the spec imports this module, and so do the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

from routineplayer import APP_ID

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "assets" / "icons" / "hicolor"

# (folder in the repository, folder in the bundle). core/paths.py looks for built-in data
# in routineplayer/_data/ next to the package, which is where the wheel puts it too.
DATA_DIRS: tuple[tuple[str, str], ...] = (
    ("routines", "routineplayer/_data/routines"),
    ("assets", "routineplayer/_data/assets"),
)

# pyttsx3 picks its driver by name at run time (importlib.import_module), so PyInstaller's
# import scan cannot see it. pyinstaller-hooks-contrib adds the first driver of each
# platform; list every driver pyttsx3 may fall back to there, so the bundle does not
# depend on the hook's choice.
_SPEECH_DRIVERS: dict[str, tuple[str, ...]] = {
    "linux": ("pyttsx3.drivers._espeak", "pyttsx3.drivers.espeak"),
    "darwin": (
        "pyttsx3.drivers.nsss",
        "pyttsx3.drivers.avspeech",
        "pyttsx3.drivers._espeak",
        "pyttsx3.drivers.espeak",
    ),
    "win32": ("pyttsx3.drivers.sapi5", "pyttsx3.drivers._espeak", "pyttsx3.drivers.espeak"),
}


def hidden_imports(platform: str = sys.platform) -> list[str]:
    """Modules the bundle needs that are only imported by name at run time."""
    key = "linux" if platform.startswith("linux") else platform
    return ["pyttsx3.drivers", *_SPEECH_DRIVERS.get(key, _SPEECH_DRIVERS["linux"])]


# Qt modules the app does not use: excluding them keeps their libraries (QtWebEngine alone
# is several hundred MB) out of the bundle. Kept on purpose: QtWidgets, QtMultimedia (cue
# playback), QtSvg (the icon) and QtCharts (the journal may draw charts). A module listed
# here that the app does import makes the frozen smoke test fail with an ImportError.
EXCLUDED_QT_MODULES: tuple[str, ...] = (
    "Qt3DAnimation",
    "Qt3DCore",
    "Qt3DExtras",
    "Qt3DInput",
    "Qt3DLogic",
    "Qt3DRender",
    "QtBluetooth",
    "QtDataVisualization",
    "QtDesigner",
    "QtGraphs",
    "QtGraphsWidgets",
    "QtHelp",
    "QtHttpServer",
    "QtLocation",
    "QtNetworkAuth",
    "QtNfc",
    "QtPdf",
    "QtPdfWidgets",
    "QtPositioning",
    "QtQuick3D",
    "QtRemoteObjects",
    "QtScxml",
    "QtSensors",
    "QtSerialBus",
    "QtSerialPort",
    "QtSpatialAudio",
    "QtSql",
    "QtTest",
    "QtTextToSpeech",
    "QtUiTools",
    "QtWebChannel",
    "QtWebEngineCore",
    "QtWebEngineQuick",
    "QtWebEngineWidgets",
    "QtWebSockets",
    "QtWebView",
)

# Qt plugins (and the libraries only they need) that the app has no use for, matched as
# lower-case substrings of the path in the bundle, which differs by platform (libqpdf.so,
# qpdf.dll, QtPdf.framework):
# - the PDF image format and the on-screen virtual keyboard;
# - QtMultimedia's FFmpeg backend, which QMediaPlayer, QSoundEffect and video need: the app
#   plays every sound through a QAudioSink (speech/mixer.py), which works without it. The
#   backend brings FFmpeg and, through its QML video sink, QtQuick and QtQml: about 45 MB.
#   tests/packaging fails if the app starts using a class that needs it.
PDF_AND_KEYBOARD = ("qpdf", "qt6pdf", "qtpdf", "virtualkeyboard")
FFMPEG_BACKEND = (
    "ffmpegmediaplugin",
    "ffmpegstub",
    "avcodec",
    "avformat",
    "avutil",
    "swresample",
    "swscale",
    "qt6quick",
    "qt6qml",
    "qtquick",
    "qtqml",
)
UNWANTED_BINARIES: tuple[str, ...] = (*PDF_AND_KEYBOARD, *FFMPEG_BACKEND)
# QtMultimedia classes that need a media backend; using one means keeping FFMPEG_BACKEND.
NEEDS_MEDIA_BACKEND: tuple[str, ...] = (
    "QMediaFormat",
    "QMediaPlayer",
    "QSoundEffect",
    "QMediaCaptureSession",
    "QMediaRecorder",
    "QVideoWidget",
    "QVideoSink",
    "QAudioDecoder",
    "QImageCapture",
    "QCamera",
)

# Packages whose installed metadata is read at run time (importlib.metadata.version):
# speech/availability.py puts pyttsx3's version into every speech cache key.
METADATA_PACKAGES: tuple[str, ...] = ("pyttsx3",)

EXCLUDED_MODULES: tuple[str, ...] = (
    *(f"PySide6.{name}" for name in EXCLUDED_QT_MODULES),
    "tkinter",
    "_tkinter",
)


def data_files() -> list[tuple[str, str]]:
    """(source, destination folder) pairs for the spec's Analysis(datas=...)."""
    return [(str(ROOT / source), dest) for source, dest in DATA_DIRS]


# Spoken answers (speech/recogniser.py) decode with pocketsphinx's own English model, found
# next to its package (pocketsphinx.get_model_path). PyInstaller sees the package's code but
# not its model. The dictation language model (en-us.lm.bin, 27 MB of the 30) stays out:
# recognition is by a small grammar per moment, never dictation.
UNUSED_MODEL_FILES = frozenset({"en-us.lm.bin"})


def recogniser_model_files() -> list[tuple[str, str]]:
    """(source file, destination folder) pairs for pocketsphinx's model in the bundle."""
    import pocketsphinx  # the build venv has it: it is one of the app's dependencies

    model = Path(pocketsphinx.get_model_path())
    return [
        (str(path), str(Path("pocketsphinx") / "model" / path.parent.relative_to(model)))
        for path in sorted(model.rglob("*"))
        if path.is_file() and path.name not in UNUSED_MODEL_FILES and path.suffix != ".txt"
    ]


def icon_png(size: int = 256) -> Path:
    return ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def is_unwanted_binary(dest_name: str) -> bool:
    lowered = dest_name.replace("\\", "/").lower()
    return any(part in lowered for part in UNWANTED_BINARIES)


if __name__ == "__main__":
    # packaging/check-bundle.sh asks which folders to compare: "source destination" lines.
    for source, dest in DATA_DIRS:
        print(source, dest)
