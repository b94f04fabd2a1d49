"""A save killed at any moment leaves the old routine or the new one, never a broken file.

A child process runs the editor's save path (core.saver.save_routine, as EditorWindow.save
calls it) in a loop, alternating two versions of a routine, and is SIGKILLed at a random
moment; then the file must be exactly one of the two versions and load. Children are forked
from a small single-threaded "zygote" process that has already imported everything, so each
of the hundreds of kills costs a fork (milliseconds), not an interpreter start.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from routineplayer.core import paths
from routineplayer.core.library import Library
from routineplayer.core.loader import load_routine
from routineplayer.core.model import Cue, Step, StepKind
from routineplayer.core.saver import dump_routine, save_routine

KILLS = 250
MAX_DELAY_S = 0.05  # a few saves long: kills land in every phase of the loop

ZYGOTE = textwrap.dedent(
    """
    import os, sys
    from routineplayer.core.loader import load_routine
    from routineplayer.core.saver import save_routine

    target, *version_files = sys.argv[1:]
    versions = [load_routine(f) for f in version_files]
    for line in sys.stdin:
        command, *args = line.split()
        if command == "fork":
            pid = os.fork()
            if pid == 0:  # the child: save, save, save... until killed
                n = 0
                while True:
                    save_routine(versions[n % 2], target)
                    n += 1
            print(pid, flush=True)
        elif command == "reap":
            _, status = os.waitpid(int(args[0]), 0)
            print(status, flush=True)
    """
)


def _versions(tmp_path: Path) -> tuple[Path, Path]:
    old = replace(Library().resolve("warm-up"), source="")
    extra = Step(
        StepKind.TIMED,
        title="Standing back bends",
        say="Hands on your hips, lean back gently and come up tall. " * 8,
        duration=120.0,
        sets=3,
        rest_between_sets=30.0,
        cues=tuple(Cue(float(t), f"Cue at {t} seconds.") for t in range(5, 120, 5)),
    )
    new = replace(old, title="My morning routine", steps=(*old.steps, extra, *old.steps))
    files = (tmp_path / "old.yaml", tmp_path / "new.yaml")
    for routine, file in zip((old, new), files, strict=True):
        file.write_text(dump_routine(routine), encoding="utf-8")
    return files


@pytest.mark.slow
def test_save_killed_at_random_moments_leaves_old_or_new(tmp_path: Path) -> None:
    old_file, new_file = _versions(tmp_path)
    versions = {f.read_text(encoding="utf-8"): load_routine(f) for f in (old_file, new_file)}
    target = paths.user_routines_dir() / "my-morning-routine.yaml"
    save_routine(load_routine(old_file), target)
    rng = random.Random(20240611)
    seen: Counter[str] = Counter()
    torn_temps = 0
    started = time.perf_counter()

    with subprocess.Popen(
        [sys.executable, "-c", ZYGOTE, str(target), str(old_file), str(new_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as zygote:
        assert zygote.stdin is not None and zygote.stdout is not None

        def ask(command: str) -> int:
            zygote.stdin.write(command + "\n")
            zygote.stdin.flush()
            return int(zygote.stdout.readline())

        for kill in range(KILLS):
            pid = ask("fork")
            time.sleep(rng.uniform(0, MAX_DELAY_S))  # a random moment in the save loop
            os.kill(pid, signal.SIGKILL)
            status = ask(f"reap {pid}")
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL

            text = target.read_text(encoding="utf-8")
            assert text in versions, f"kill {kill}: the file is neither version"
            assert load_routine(target) == versions[text]
            seen["old" if versions[text].title != "My morning routine" else "new"] += 1
            # A kill during a write leaves its temporary file (never the routine) behind.
            for temp in target.parent.glob(f".{target.name}.*.tmp"):
                torn_temps += 1
                temp.unlink()
        zygote.stdin.close()

    elapsed = time.perf_counter() - started
    print(
        f"\n{KILLS} kills in {elapsed:.1f} s: old {seen['old']}, new {seen['new']}, "
        f"killed mid-write {torn_temps}"
    )
    assert seen["old"] and seen["new"], "the kills never landed between two saves"
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
