"""What bench_power.py needs besides its own logic: a private Xvfb and PulseAudio server, the
sink's monitor, xdotool, and per-thread CPU and wake-ups read from /proc.

Nothing here imports the app, Qt or numpy: the benchmark's own process stays small and quiet
while it measures (during a window it only sleeps; the monitor's reader thread wakes 20 times
a second, in this process, not the app's).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_AUDIO = ROOT / "scripts" / "start-audio.sh"
SCREEN = "1280x800x24"  # as tests/xvfb
WAIT_S = 60.0  # the longest any one thing is waited for
CLK_TCK = os.sysconf("SC_CLK_TCK")

# The commands the benchmark runs, with the Debian package each comes from.
PACKAGES = {
    "Xvfb": "xvfb",
    "xdotool": "xdotool",
    "pulseaudio": "pulseaudio",
    "pactl": "pulseaudio-utils",
    "parec": "pulseaudio-utils",
    "espeak-ng": "espeak-ng",  # speech on: the app renders its cues with it
}


class BenchError(RuntimeError):
    """Something the benchmark waited for did not happen: the run cannot be measured."""


def require_tools(prog: str) -> None:
    """Leave (exit 1, the message on stderr) naming the Debian package of a missing command."""
    missing = [(cmd, pkg) for cmd, pkg in PACKAGES.items() if shutil.which(cmd) is None]
    if missing:
        raise SystemExit(
            "\n".join(
                f"{prog}: '{cmd}' is not installed: install the Debian package {pkg} "
                f"(sudo apt-get install {pkg}, or run scripts/bootstrap.sh as root)"
                for cmd, pkg in missing
            )
        )


def end_process(process: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL if it is still there after ``timeout``; reaped either way."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


def end_pid(pid: int, timeout: float = 5.0) -> None:
    """SIGTERM (then SIGKILL) a process we started that is not our child (a daemon, a
    grandchild): by its pid only, and only while it exists."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                return
            time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"  # a zombie is gone for our purposes (its parent reaps it)


# -- the X server ------------------------------------------------------------------------------


@contextlib.contextmanager
def xvfb(log_dir: Path) -> Iterator[tuple[str, int]]:
    """A private Xvfb; yields its DISPLAY and pid. It writes its display number once it accepts
    connections (-displayfd): no polling."""
    read_fd, write_fd = os.pipe()
    log = (log_dir / "xvfb.log").open("w")
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", SCREEN, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as ready:
            number = ready.readline().strip()
        if not number:
            raise BenchError(f"Xvfb did not start: {(log_dir / 'xvfb.log').read_text()}")
        yield f":{number}", server.pid
    finally:
        end_process(server)
        log.close()


# -- the sound server --------------------------------------------------------------------------


@contextlib.contextmanager
def pulse_server(env: dict[str, str]) -> Iterator[tuple[str, int]]:
    """A PulseAudio server of our own (its own runtime dir, so no other program's sound and
    no other server is involved) with the routineplayer_test null sink as its default
    output, started by scripts/start-audio.sh as the tests do. Sets PULSE_RUNTIME_PATH and
    PULSE_STATE_PATH in ``env`` for every client; yields the sink's monitor source and the
    server's pid; kills the server by that pid."""
    runtime = Path(tempfile.mkdtemp(prefix="routineplayer-power-pulse-"))
    env.update(PULSE_RUNTIME_PATH=str(runtime), PULSE_STATE_PATH=str(runtime))
    env.pop("PULSE_SERVER", None)
    env.pop("PULSE_SINK", None)
    try:
        done = subprocess.run(
            ["sh", str(START_AUDIO)],
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT_S,
            check=False,
        )
        if done.returncode != 0:
            raise BenchError(f"scripts/start-audio.sh failed: {done.stderr.strip()}")
        pid = int((runtime / "pid").read_text().split()[0])
        yield done.stdout.strip().splitlines()[-1], pid
    finally:
        with contextlib.suppress(OSError, ValueError, IndexError):
            end_pid(int((runtime / "pid").read_text().split()[0]))
        shutil.rmtree(runtime, ignore_errors=True)


class Monitor:
    """parec on the sink's monitor: the peak of every 50 ms block, stamped on arrival with
    time.monotonic(). Says when the app's speakers would have been silent, and when a sound
    began (to the block, plus PulseAudio's latency: enough to tell a quiet window)."""

    RATE = 8000
    BLOCK = 400  # samples: 50 ms
    THRESHOLD = 300  # a null sink is digital silence; speech and chimes peak far above this

    def __init__(self, device: str, env: dict[str, str]) -> None:
        self.blocks: list[tuple[float, int]] = []  # (arrival, peak)
        self._lock = threading.Lock()
        self._proc = subprocess.Popen(
            [
                "parec",
                f"--device={device}",
                "--format=s16le",
                f"--rate={self.RATE}",
                "--channels=1",
                "--raw",
                "--latency-msec=50",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self._thread = threading.Thread(target=self._read, name="monitor", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        stream = self._proc.stdout
        size = self.BLOCK * 2
        while True:
            data = stream.read(size)
            if len(data) < size:
                return
            samples = array("h", data)
            peak = max(max(samples), -min(samples))
            with self._lock:
                self.blocks.append((time.monotonic(), peak))

    def _since(self, start: float, end: float = float("inf")) -> list[tuple[float, int]]:
        with self._lock:
            return [b for b in self.blocks if start <= b[0] <= end]

    def wait_started(self) -> None:
        deadline = time.monotonic() + WAIT_S
        while not self.blocks:
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise BenchError("parec delivered nothing from the sink's monitor")
            time.sleep(0.05)

    def loud_seconds(self, start: float, end: float) -> float:
        """How much of [start, end] had sound in it."""
        return sum(1 for _, peak in self._since(start, end) if peak > self.THRESHOLD) * (
            self.BLOCK / self.RATE
        )

    def stretches(self, start: float, end: float) -> list[tuple[float, float]]:
        """The loud stretches in [start, end], as (from, to) arrival times."""
        found: list[tuple[float, float]] = []
        step = self.BLOCK / self.RATE
        for t, peak in self._since(start, end):
            if peak <= self.THRESHOLD:
                continue
            if found and t - found[-1][1] <= step * 1.5:
                found[-1] = (found[-1][0], t)
            else:
                found.append((t - step, t))
        return found

    def wait_for_sound(self, after: float, timeout: float) -> float | None:
        """When the first sound after ``after`` arrived; None if none within ``timeout``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            loud = [t for t, peak in self._since(after) if peak > self.THRESHOLD]
            if loud:
                return loud[0]
            time.sleep(0.05)
        return None

    def wait_for_quiet(self, after: float, quiet_s: float, timeout: float) -> float:
        """The moment from which ``quiet_s`` of silence has passed, after ``after``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            blocks = self._since(after)
            last_loud = max((t for t, peak in blocks if peak > self.THRESHOLD), default=after)
            if blocks and blocks[-1][0] - last_loud >= quiet_s:
                return time.monotonic()
            time.sleep(0.05)
        raise BenchError(f"the sink never stayed quiet for {quiet_s} s within {timeout} s")

    def close(self) -> None:
        end_process(self._proc)
        self._thread.join(timeout=5)


# -- xdotool -----------------------------------------------------------------------------------


class X:
    """xdotool on one display."""

    def __init__(self, display: str, process: subprocess.Popen[bytes] | None = None) -> None:
        self.display = display
        self.process = process  # waits give up at once if it has exited

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise BenchError(f"the app exited (code {self.process.returncode})")

    def run(self, *args: str, timeout: float = WAIT_S) -> str:
        done = subprocess.run(
            ["xdotool", *args],
            env={**os.environ, "DISPLAY": self.display},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0 and args[0] != "search":
            raise BenchError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def shown_window(self, title_regex: str, timeout: float = WAIT_S) -> str:
        """The first mapped window whose title matches (Qt also makes an unmapped one titled
        like the main window, its client leader, which cannot take the focus)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.run("search", "--onlyvisible", "--name", title_regex, timeout=timeout)
            if found:
                return found.splitlines()[0]
            self._check_alive()
            if time.monotonic() > deadline:
                raise BenchError(f"no window titled /{title_regex}/ within {timeout} s")
            time.sleep(0.1)

    def gone(self, title_regex: str, timeout: float = WAIT_S) -> None:
        deadline = time.monotonic() + timeout
        while self.run("search", "--onlyvisible", "--name", title_regex):
            self._check_alive()
            if time.monotonic() > deadline:
                raise BenchError(f"the window titled /{title_regex}/ did not close")
            time.sleep(0.1)

    def title(self, window: str) -> str:
        return self.run("getwindowname", window)

    def wait_title(self, window: str, prefix: str, timeout: float = WAIT_S) -> float:
        """Poll the window's title every 50 ms until it starts with ``prefix``; when it did."""
        deadline = time.monotonic() + timeout
        while True:
            title = self.title(window)
            if title.startswith(prefix):
                return time.monotonic()
            self._check_alive()
            if time.monotonic() > deadline:
                raise BenchError(f"the window's title stayed {title!r}, not {prefix!r}…")
            time.sleep(0.05)

    def press(self, window: str, *keys: str) -> None:
        # No window manager runs here, so give the window the keyboard focus ourselves.
        self.run("windowfocus", "--sync", window)
        self.run("key", "--delay", "80", *keys)

    def type(self, window: str, text: str) -> None:
        self.run("windowfocus", "--sync", window)
        self.run("type", "--delay", "60", text)

    def size(self, window: str) -> tuple[int, int]:
        shell = dict(
            line.split("=", 1)
            for line in self.run("getwindowgeometry", "--shell", window).splitlines()
            if "=" in line
        )
        return int(shell["WIDTH"]), int(shell["HEIGHT"])


# -- /proc -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThreadSample:
    comm: str
    ticks: int  # utime + stime, clock ticks
    run_ns: int  # schedstat: time on a CPU, ns (exact; the ticks are sampled)
    voluntary: int  # voluntary context switches: the thread slept and was woken
    involuntary: int


def read_threads(pid: int) -> dict[int, ThreadSample]:
    """Every thread of ``pid`` now. One that ends while it is read is left out."""
    found: dict[int, ThreadSample] = {}
    try:
        tids = [int(name) for name in os.listdir(f"/proc/{pid}/task")]
    except OSError:
        return found
    for tid in tids:
        base = f"/proc/{pid}/task/{tid}"
        try:
            stat = Path(f"{base}/stat").read_text()
            status = Path(f"{base}/status").read_text()
            run_ns = int(Path(f"{base}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            continue  # it ended meanwhile
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        rest = stat[stat.rindex(")") + 2 :].split()  # rest[0] is field 3 (state)
        fields = dict(line.split(":", 1) for line in status.splitlines() if "ctxt_switches" in line)
        found[tid] = ThreadSample(
            comm=comm,
            ticks=int(rest[11]) + int(rest[12]),  # fields 14, 15: utime, stime
            run_ns=run_ns,
            voluntary=int(fields["voluntary_ctxt_switches"]),
            involuntary=int(fields["nonvoluntary_ctxt_switches"]),
        )
    return found


def process_ticks(pid: int) -> int:
    """utime + stime of the whole process, threads that have ended included."""
    rest = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(rest[11]) + int(rest[12])


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (e.g. the app's speech worker)."""
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                rest = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
                if int(rest[1]) == pid:
                    found.append(int(name))
    return found


def total_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError, ValueError):
        return process_ticks(pid)
    return 0


@dataclass(frozen=True)
class ThreadUse:
    tid: int
    label: str
    cpu_pct: float  # share of one core, from the ticks
    run_pct: float  # the same from schedstat (exact)
    wakeups_per_s: float
    involuntary_per_s: float


@dataclass(frozen=True)
class Usage:
    """One process over one window."""

    seconds: float
    cpu_pct: float  # sum over threads of utime+stime, as a share of one core
    wakeups_per_s: float  # sum over threads of voluntary context switches
    run_pct: float  # schedstat, for comparison
    process_cpu_pct: float  # /proc/PID/stat: includes threads that ended in the window
    threads: tuple[ThreadUse, ...]
    appeared: tuple[str, ...]  # the threads that started in the window (counted in full)
    vanished: tuple[str, ...]  # the threads that ended in it (not counted)

    def churn(self) -> str:
        """Which threads started and ended in the window."""
        started = ", ".join(self.appeared) or "none"
        ended = ", ".join(self.vanished) or "none"
        return f"threads started in the window: {started}; ended (not counted): {ended}"

    def breakdown(self, limit: int = 12) -> str:
        lines = [f"    {'thread':<28} {'cpu %':>7} {'sched %':>8} {'wake/s':>8} {'preempt/s':>10}"]
        for use in sorted(self.threads, key=lambda u: (-u.run_pct, -u.wakeups_per_s))[:limit]:
            lines.append(
                f"    {use.label:<28} {use.cpu_pct:7.2f} {use.run_pct:8.2f} "
                f"{use.wakeups_per_s:8.1f} {use.involuntary_per_s:10.1f}"
            )
        rest = self.threads[limit:] if len(self.threads) > limit else ()
        if rest:
            lines.append(f"    ({len(rest)} more threads, each quieter)")
        return "\n".join(lines)


def label_threads(pid: int, sample: dict[int, ThreadSample]) -> dict[int, str]:
    """'comm' (the main thread: 'main/GUI'), with the tid when two threads share a name."""
    counts: dict[str, int] = {}
    for s in sample.values():
        counts[s.comm] = counts.get(s.comm, 0) + 1
    return {
        tid: "main/GUI" if tid == pid else (s.comm if counts[s.comm] == 1 else f"{s.comm}:{tid}")
        for tid, s in sample.items()
    }


def measure(pid: int, seconds: float) -> Usage:
    """CPU (share of one core) and wake-ups per second of ``pid`` over ``seconds`` of sleep.

    Per thread: utime+stime (clock ticks) and voluntary context switches (each one a sleep
    the thread was woken from: a wake-up), end minus start. A thread that appears during the
    window counts in full (all it did was in the window). A thread that ends during the
    window is lost: /proc no longer has it, so what it did since the start is not counted
    (its CPU still shows in process_cpu_pct, which the kernel keeps for the whole process;
    its switches are gone). ``appeared`` and ``vanished`` name them.
    """
    before = read_threads(pid)
    ticks_before = process_ticks(pid)
    start = time.monotonic()
    time.sleep(seconds)
    after = read_threads(pid)
    ticks_after = process_ticks(pid)
    elapsed = time.monotonic() - start
    zero = ThreadSample("", 0, 0, 0, 0)
    labels = label_threads(pid, after)
    uses = []
    for tid, end in after.items():
        begin = before.get(tid, zero)
        uses.append(
            ThreadUse(
                tid=tid,
                label=labels[tid],
                cpu_pct=100 * (end.ticks - begin.ticks) / CLK_TCK / elapsed,
                run_pct=100 * (end.run_ns - begin.run_ns) / 1e9 / elapsed,
                wakeups_per_s=(end.voluntary - begin.voluntary) / elapsed,
                involuntary_per_s=(end.involuntary - begin.involuntary) / elapsed,
            )
        )
    return Usage(
        seconds=elapsed,
        cpu_pct=sum(u.cpu_pct for u in uses),
        wakeups_per_s=sum(u.wakeups_per_s for u in uses),
        run_pct=sum(u.run_pct for u in uses),
        process_cpu_pct=100 * (ticks_after - ticks_before) / CLK_TCK / elapsed,
        threads=tuple(uses),
        appeared=tuple(labels[tid] for tid in sorted(after.keys() - before.keys())),
        vanished=tuple(
            label_threads(pid, before)[tid] for tid in sorted(before.keys() - after.keys())
        ),
    )


def wait_idle(pids: list[int], quiet_s: float, timeout: float) -> float:
    """Until none of ``pids`` has used a clock tick for ``quiet_s``; how long it took."""
    start = time.monotonic()
    last = [total_ticks(p) for p in pids]
    quiet_since = start
    while time.monotonic() - quiet_since < quiet_s:
        if time.monotonic() - start > timeout:
            raise BenchError(f"processes {pids} were still busy after {timeout} s")
        time.sleep(0.2)
        now = [total_ticks(p) for p in pids]
        if now != last:
            last, quiet_since = now, time.monotonic()
    return time.monotonic() - start


# -- naming the app's Python threads -----------------------------------------------------------


def name_python_threads() -> None:
    """Give each Python thread started from now on its Python name in /proc (comm, 15
    characters), as Python 3.11 does not: so 'session-clock' shows as itself, not as one more
    'python'. Called in the app's process before it starts; one prctl per thread start."""
    import ctypes
    import threading as threading_module

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_name = 15
    original = getattr(threading_module.Thread, "_bootstrap_inner")  # noqa: B009 (private)

    def bootstrap_inner(self: threading_module.Thread) -> None:
        with contextlib.suppress(Exception):
            libc.prctl(pr_set_name, self.name.encode()[:15], 0, 0, 0)
        original(self)

    setattr(threading_module.Thread, "_bootstrap_inner", bootstrap_inner)  # noqa: B010
