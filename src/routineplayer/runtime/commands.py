"""What a player command does to the session; shared by the window and the terminal player."""

from __future__ import annotations

from routineplayer.core.session import State
from routineplayer.runtime.keymap import CHECK_ANSWERS, Command
from routineplayer.runtime.session_driver import SessionDriver

_SESSION_COMMANDS = frozenset(
    {
        Command.PAUSE_OR_DONE,
        Command.PRIMARY,
        Command.SKIP,
        Command.BACK,
        Command.YES,
        Command.NO,
    }
)


def dispatch(driver: SessionDriver, command: Command) -> bool:
    """Apply ``command`` to the session; False when it is not a session command (help, ...)."""
    session = driver.session
    state = session.state
    if state is State.IDLE:
        # Not started yet (the voice is still being prepared): only the front-end's own
        # start() begins a routine, so the opening is heard and the journal entry exists.
        return command in _SESSION_COMMANDS
    # While the check waits (even paused), the clicker's next/back keys answer it.
    checking = session.resume_state is State.CHECKING
    if checking:
        command = CHECK_ANSWERS.get(command, command)
    match command:
        case Command.PAUSE_OR_DONE:
            if state is State.WAITING_DONE:
                driver.done()
            else:
                driver.toggle_pause()
        case Command.PRIMARY:
            driver.primary()
        case Command.SKIP:
            driver.skip()
        case Command.BACK:
            driver.back()
        case Command.YES | Command.NO:
            # Only a question can be answered: a stray Y or N never moves the routine on.
            if checking:
                driver.answer_check(command is Command.YES)
        case _:
            return False
    return True
