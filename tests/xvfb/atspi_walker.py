#!/usr/bin/python3
"""Walk a running app's accessibility tree over AT-SPI, pressing keys with xdotool.

Run by tests/xvfb/test_atspi_walk.py and test_screen_reader.py under Debian's
/usr/bin/python3, where the Debian package python3-pyatspi provides pyatspi (it and PyGObject
do not install cleanly into the venv). Only the standard library, pyatspi and gi are
imported. Every command prints one JSON object on stdout (listen prints {"ready": true}
first, as it starts to listen); a problem of the walk itself (the window never appeared, the page
changed while it was walked) exits 2 with {"error": ...}, so that it is never mistaken for
an accessibility offender.

Commands (DISPLAY and DBUS_SESSION_BUS_ADDRESS come from the environment):

  bus-ready   wait until org.a11y.Bus (at-spi-bus-launcher) owns its name on the session bus
  wait        wait until the app's window named --title shows every --showing ROLE:NAME,
              pressing --press every --every seconds meanwhile if asked
  walk        the page's controls, its Tab cycle and (--menus) its menu bar; the offenders;
              with --content, --generic-names and --items, what a screen reader can read
  listen      record AT-SPI events of the app (announcements, focus, name changes) as JSON
              lines in --out, from the line {"ready": true} on stdout until SIGTERM

The rules ``walk`` applies are written out in test_atspi_walk.py's docstring, and those of
--content, --generic-names, --items and ``listen`` in test_screen_reader.py's.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

try:
    import gi

    gi.require_version("Atspi", "2.0")
    import pyatspi
    from gi.repository import Atspi, Gio, GLib
except (ImportError, ValueError) as exc:  # ValueError: the Atspi typelib is missing
    print(json.dumps({"error": f"pyatspi cannot be imported: {exc}"}))
    sys.exit(3)

R = pyatspi
# Interactive controls: each must have a name, and (when enabled) be reachable by keyboard.
CONTROL_ROLES = {
    R.ROLE_PUSH_BUTTON,
    R.ROLE_TOGGLE_BUTTON,
    R.ROLE_CHECK_BOX,
    R.ROLE_RADIO_BUTTON,
    R.ROLE_COMBO_BOX,
    R.ROLE_SPIN_BUTTON,
    R.ROLE_TEXT,
    R.ROLE_ENTRY,
    R.ROLE_PASSWORD_TEXT,
    R.ROLE_SLIDER,
    R.ROLE_LIST,
    R.ROLE_LIST_BOX,
    R.ROLE_LIST_ITEM,
    R.ROLE_TABLE,
    R.ROLE_TREE,
    R.ROLE_TREE_TABLE,
    R.ROLE_TREE_ITEM,
    R.ROLE_PAGE_TAB,
    R.ROLE_MENU_ITEM,
    R.ROLE_CHECK_MENU_ITEM,
    R.ROLE_RADIO_MENU_ITEM,
    R.ROLE_MENU,
}
MENU_ITEM_ROLES = {R.ROLE_MENU_ITEM, R.ROLE_CHECK_MENU_ITEM, R.ROLE_RADIO_MENU_ITEM, R.ROLE_MENU}
# Items are reached with the arrow keys once their container has the focus.
ITEM_CONTAINERS = {
    R.ROLE_LIST_ITEM: {R.ROLE_LIST, R.ROLE_LIST_BOX},
    R.ROLE_TABLE_CELL: {R.ROLE_TABLE, R.ROLE_TREE_TABLE},
    R.ROLE_TREE_ITEM: {R.ROLE_TREE, R.ROLE_TREE_TABLE},
    R.ROLE_PAGE_TAB: {R.ROLE_PAGE_TAB_LIST},
}
ITEM_ROLES = set(ITEM_CONTAINERS)
# Parts of one control (the text field of an editable combo box or of a spin box).
COMPOSITE_ROLES = {R.ROLE_COMBO_BOX, R.ROLE_SPIN_BUTTON}
# A focused cell is data: an empty one is an empty value, named by its column header.
UNNAMED_FOCUS_OK = {R.ROLE_TABLE_CELL}
WINDOW_ROLES = {R.ROLE_FRAME, R.ROLE_DIALOG, R.ROLE_WINDOW, R.ROLE_ALERT, R.ROLE_FILE_CHOOSER}

# Words that say what kind of thing an object is rather than what it says: a label named so,
# whose own text is not exposed besides, makes a screen reader say "Step" or "Question"
# instead of the step's title or the question (walk --generic-names). Compared ignoring
# case and a trailing colon.
GENERIC_NAMES = frozenset(
    name.casefold()
    for name in (
        "Step",
        "Step title",
        "Title",
        "Heading",
        "Instruction",
        "Question",
        "Check question",
        "Answer",
        "Position",
        "Keys",
        "Keys to answer",
        "Summary",
        "Set and side",
        "Repetition",
        "Repetitions",
        "Last spoken cue",
        "Next step",
        "Time left",
        "Routine time left",
        "Rest time left",
        "Starts in",
        "Reset cue",
        "Cue",
        "Hint",
        "Length",
        "You need",
        "Safety",
        "Speech status",
        "Status",
        "Voice",
        "Message",
        "Notice",
        "Body",
        "Text",
        "Label",
        "Description",
        "Details",
    )
)
LONG_ITEM_NAME = 100  # characters: a list item's name is said on every arrow press
EVENT_TYPES = (
    "object:announcement",
    "focus:",
    "object:state-changed:focused",
    "object:property-change:accessible-name",
)

POLL_S = 0.02
SETTLE_S = 0.6  # how long a key may take to move the focus before "it did not move"
TAB_CAP = 80
MENU_CAP = 40


class WalkError(Exception):
    """The walk itself could not be done: not an accessibility finding."""


class Node:
    """One showing object as read once: role, states, parent; name and index on demand."""

    def __init__(self, acc: Any, states: Any, parent: Node | None, index: int | None = None):
        self.acc = acc
        self.role = acc.getRole()  # cached by libatspi: roles never change
        self.role_name = str(Atspi.role_get_name(self.role))  # no round trip to the app
        self.path = str(acc.path)  # the D-Bus object path: the object's identity
        self.states = states
        self.parent = parent
        self.children: list[Node] = []
        self._index = index
        self._name: str | None = None

    @property
    def name(self) -> str:
        if self._name is None:
            try:
                self._name = str(self.acc.name or "")
            except GLib.GError:
                self._name = ""
        return self._name

    @property
    def index(self) -> int:
        if self._index is None:
            try:
                self._index = int(self.acc.getIndexInParent())
            except GLib.GError:
                self._index = -1
        return self._index

    def has(self, state: Any) -> bool:
        return bool(self.states.contains(state))

    @property
    def enabled(self) -> bool:
        return self.has(R.STATE_ENABLED) or self.has(R.STATE_SENSITIVE)

    def ancestors(self) -> list[Node]:
        out, node = [], self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def segment(self) -> str:
        if self.name.strip():
            shown = " ".join(self.name.split())
            shown = shown if len(shown) <= 40 else shown[:39] + "…"
            twins = self.parent is not None and any(
                n is not self and n.role == self.role and n.name == self.name
                for n in self.parent.children
            )
            # Siblings of one role and name (a heading "Safety" and a label named so) are
            # told apart by their index.
            return f"{self.role_name} {shown!r}" + (f"[{self.index}]" if twins else "")
        return f"{self.role_name}[{self.index}]"

    def display_path(self) -> str:
        return " > ".join(n.segment() for n in [*reversed(self.ancestors()), self])

    def qt_class(self) -> str:
        """The Qt class or object name, the last part of the id Qt gives each object
        ("QApplication.EditorWindow.QWidget.QScrollArea"): for finding it in the code."""
        try:
            return str(self.acc.get_accessible_id() or "").rpartition(".")[2]
        except (GLib.GError, AttributeError):
            return ""

    def info(self) -> dict[str, str]:
        return {
            "role": self.role_name,
            "name": self.name,
            "qt": self.qt_class(),
            "path": self.display_path(),
            "object": self.path,  # the D-Bus object path: one per object
        }


# -- reading the tree ----------------------------------------------------------------------


def pump() -> None:
    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def find_app(pid: int, timeout: float) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        pump()
        desktop = R.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            try:
                app = desktop.getChildAtIndex(i)
                if app is not None and app.get_process_id() == pid:
                    # Roles and parents are kept (they do not change); states and children
                    # are asked of the app each time, so a focus change is seen at once.
                    app.set_cache_mask(Atspi.Cache.ROLE | Atspi.Cache.PARENT)
                    return app
            except GLib.GError:
                continue
        if time.monotonic() > deadline:
            raise WalkError(f"no application with pid {pid} registered on the AT-SPI bus")
        time.sleep(0.1)


def build(acc: Any, parent: Node | None, index: int | None) -> Node | None:
    """The tree under ``acc`` without what is not showing (hidden pages, closed menus, list
    rows scrolled away). An object counts only if all its ancestors show: Qt reports some
    children of hidden views (a closed combo box's list) as showing."""
    try:
        states = acc.getState()
        if parent is not None and not states.contains(R.STATE_SHOWING):
            return None
        node = Node(acc, states, parent, index)
        count = acc.childCount
    except GLib.GError:  # the object went away while it was read
        return None
    for i in range(count):
        try:
            child = acc.getChildAtIndex(i)
        except GLib.GError:
            continue
        if child is not None:
            built = build(child, node, i)
            if built is not None:
                node.children.append(built)
    return node


def walk_nodes(node: Node | None) -> list[Node]:
    if node is None:
        return []
    out = [node]
    for child in node.children:
        out.extend(walk_nodes(child))
    return out


def window_titles(app: Any) -> list[str]:
    titles = []
    for i in range(app.childCount):
        try:
            acc = app.getChildAtIndex(i)
            if acc is not None and acc.getState().contains(R.STATE_SHOWING):
                titles.append(str(acc.name))
        except GLib.GError:
            continue
    return titles


def find_window_acc(app: Any, title: str) -> Any:
    pattern = re.compile(title)
    for i in range(app.childCount):
        try:
            acc = app.getChildAtIndex(i)
            if acc is None or acc.getRole() not in WINDOW_ROLES:
                continue
            if pattern.search(acc.name or "") and acc.getState().contains(R.STATE_SHOWING):
                return acc
        except GLib.GError:
            continue
    return None


def find_window(app: Any, title: str) -> Node | None:
    acc = find_window_acc(app, title)
    return build(acc, None, None) if acc is not None else None


def window_tree(app: Any, title: str) -> Node:
    node = find_window(app, title)
    if node is None:
        raise WalkError(f"no showing window matches {title!r}; showing: {window_titles(app)}")
    return node


def text_of(node: Node) -> str:
    """What the object says besides its name: its description and its text (Qt gives a label
    whose accessible name is set no text interface, so the description is what is left)."""
    said = []
    try:
        said.append(str(node.acc.description or ""))
        said.append(str(node.acc.queryText().getText(0, -1)))
    except (GLib.GError, NotImplementedError, AttributeError):
        pass
    return "\n".join(said)


def shows(tree: Node, spec: str) -> bool:
    """``ROLE:NAME`` or ``ROLE:NAME=TEXT``: an object with that role and accessible name is
    showing (and its description or text contains TEXT)."""
    role, _, rest = spec.partition(":")
    name, has_text, text = rest.partition("=")
    return any(
        n.role_name == role.strip()
        and n.name == name.strip()
        and (not has_text or text.strip() in text_of(n))
        for n in walk_nodes(tree)
    )


def normal(text: str) -> str:
    """For comparing what is said: runs of white space as one space, case ignored."""
    return " ".join(text.split()).casefold()


def description_of(node: Node) -> str:
    try:
        return str(node.acc.description or "")
    except GLib.GError:
        return ""


def own_text(node: Node) -> str:
    """The object's Text interface content ("" when it has none: Qt's labels have none)."""
    try:
        return str(node.acc.queryText().getText(0, -1) or "")
    except (GLib.GError, NotImplementedError, AttributeError):
        return ""


def exposes(nodes: list[Node], text: str) -> tuple[Node, str] | None:
    """The first showing object that has ``text`` as (part of) its name, description or Text
    content, and which of the three; None when none has."""
    wanted = normal(text)
    for node in nodes:
        if wanted in normal(node.name):
            return node, "name"
    for node in nodes:
        if wanted in normal(description_of(node)):
            return node, "description"
        if wanted in normal(own_text(node)):
            return node, "text"
    return None


def is_generic(name: str) -> bool:
    return normal(name).rstrip(" :") in GENERIC_NAMES


def generic_window(tree: Node, title: str) -> list[tuple[Node, str]]:
    """The window, when it is named with a generic word ("Summary") while its title says
    more: a screen reader says the word."""
    if is_generic(tree.name) and title and normal(title) != normal(tree.name):
        problem = (
            f"the window is named {tree.name!r}, a generic word, while its title is "
            f"{title!r}: a screen reader says {tree.name!r}"
        )
        return [(tree, problem)]
    return []


def generic_leaves(tree: Node) -> list[tuple[Node, str]]:
    """Objects (but controls, items and form labels) with no showing children, named with a
    generic word ("Step", "Question"), whose description and Text content add nothing to
    the name. Qt's labels have no Text interface, so such a label's own words are lost:
    unless they are the word itself (a visible heading "Safety"). AT-SPI cannot tell the
    two apart, so these are reported only on a page where some content is not exposed."""
    found = []
    for node in walk_nodes(tree):
        if node is tree or node.children or not is_generic(node.name):
            continue
        if node.role in CONTROL_ROLES or node.role in ITEM_ROLES or labels_something(node):
            continue
        name = normal(node.name)
        said = [normal(own_text(node)), normal(description_of(node))]
        if any(s and s != name and not is_generic(s) for s in said):
            continue  # its own words are there too
        found.append(
            (
                node,
                f"named {node.name!r}, a generic word, with no text of its own exposed: "
                f"unless it shows just that word, a screen reader says {node.name!r} here "
                "instead of what it shows",
            )
        )
    return found


def labels_something(node: Node) -> bool:
    """A form label (a buddy's): its words are what it shows."""
    try:
        return any(
            relation.getRelationType() == R.RELATION_LABEL_FOR
            for relation in node.acc.getRelationSet()
        )
    except GLib.GError:
        return False


def find_node(tree: Node, spec: str) -> Node | None:
    role, _, name = spec.partition(":")
    return next(
        (n for n in walk_nodes(tree) if n.role_name == role.strip() and n.name == name.strip()),
        None,
    )


def list_items(tree: Node, spec: str) -> list[Node] | None:
    """Every item of the list ``spec`` (ROLE:NAME), shown or scrolled away; None when no
    such list shows."""
    container = find_node(tree, spec)
    if container is None:
        return None
    items: list[Node] = []
    for i in range(container.acc.childCount):
        try:
            acc = container.acc.getChildAtIndex(i)
            if acc is not None and acc.getRole() in ITEM_ROLES:
                items.append(Node(acc, acc.getState(), container, i))
        except GLib.GError:
            continue
    return items


def item_problems(
    tree: Node, spec: str, described: list[str]
) -> tuple[list[tuple[Node, str]], list[str]]:
    """The items of the list ``spec`` (ROLE:NAME), every one, shown or scrolled away: each
    name at most LONG_ITEM_NAME characters; for each ``TITLE=TEXT`` in ``described``, the
    items named with TITLE hold TEXT in their description and not in their name. Returns
    (problems of items, problems of the list)."""
    items = list_items(tree, spec)
    if items is None:
        return [], [f"no {spec} showing to read the items of"]
    found: list[tuple[Node, str]] = []
    for item in items:
        if len(item.name) > LONG_ITEM_NAME:
            found.append(
                (
                    item,
                    f"its name is {len(item.name)} characters long (at most "
                    f"{LONG_ITEM_NAME}): a screen reader reads all of it on every arrow press",
                )
            )
    missing = []
    for pair in described:
        title, _, text = pair.partition("=")
        mine = [n for n in items if normal(title) in normal(n.name)]
        if not mine:
            missing.append(f"no item of {spec} has {title!r} in its name")
        for item in mine:
            if normal(text) in normal(item.name):
                found.append((item, f"its name holds {text!r}, which belongs in its description"))
            elif normal(text) not in normal(description_of(item)):
                found.append((item, f"its description does not hold {text!r}"))
    return found, missing


def describe(tree: Node) -> str:
    return "; ".join(
        n.segment() for n in walk_nodes(tree) if n.role in CONTROL_ROLES or n.name.strip()
    )[:2000]


def container_of(item: Node) -> Node | None:
    wanted = ITEM_CONTAINERS.get(item.role, set())
    return next((a for a in item.ancestors() if a.role in wanted), None)


def in_menu_bar(node: Node) -> bool:
    return any(a.role == R.ROLE_MENU_BAR for a in node.ancestors())


def labelled_by(node: Node) -> str:
    try:
        for relation in node.acc.getRelationSet():
            if relation.getRelationType() == R.RELATION_LABELLED_BY:
                for i in range(relation.getNTargets()):
                    target = relation.getTarget(i)
                    if target is not None and (target.name or "").strip():
                        return str(target.name)
    except GLib.GError:
        pass
    return ""


def is_named(node: Node) -> bool:
    return bool(node.name.strip()) or bool(labelled_by(node))


# -- where the focus is --------------------------------------------------------------------


class Window:
    """One top-level window of the app, found by its title once; where its focus is."""

    def __init__(self, app: Any, title: str) -> None:
        self.app, self.title = app, title
        self.acc = find_window_acc(app, title)
        if self.acc is None:
            raise WalkError(f"no showing window matches {title!r}; showing: {window_titles(app)}")
        self.path = str(self.acc.path)
        states = Atspi.StateSet.new([Atspi.StateType.FOCUSED])
        every = Atspi.CollectionMatchType.ALL
        self._rule = Atspi.MatchRule.new(states, every, {}, every, [], every, [], every, False)
        self._collection = True
        self._ancestors: dict[str, Node | None] = {}

    def tree(self) -> Node:
        node = build(self.acc, None, None)
        if node is None:
            raise WalkError(f"the window {self.title!r} went away")
        return node

    def _chain(self, acc: Any) -> Node | None:
        """``acc`` (its states read now) under its ancestors up to this window, if it and
        they all show. Ancestors are read once per walk and kept: a page that changed under
        the walk is caught by cmd_walk's checks before and after."""
        states = acc.getState()
        if not states.contains(R.STATE_SHOWING) and str(acc.path) != self.path:
            return None
        parent = self._ancestor(acc.get_parent())
        if parent is None and str(acc.path) != self.path:
            return None
        return Node(acc, states, parent)

    def _ancestor(self, acc: Any) -> Node | None:
        if acc is None:
            return None
        path = str(acc.path)
        if path not in self._ancestors:
            node: Node | None = None
            if path == self.path:
                node = Node(acc, acc.getState(), None)
            elif acc.getRole() != R.ROLE_APPLICATION:  # else another window's
                states = acc.getState()
                if states.contains(R.STATE_SHOWING):
                    parent = self._ancestor(acc.get_parent())
                    node = Node(acc, states, parent) if parent is not None else None
            self._ancestors[path] = node
        return self._ancestors[path]

    def fresh_focused(self, node: Node) -> bool:
        try:
            return bool(node.acc.getState().contains(R.STATE_FOCUSED))
        except GLib.GError:
            return False

    def focused_objects(self) -> list[Node]:
        """Every showing object of the window in the focused state (several: see focus())."""
        if self._collection:
            try:
                # One call, answered by Qt's Collection interface, instead of reading the
                # whole tree (the editor's has hundreds of objects) for every key.
                matches = self.acc.get_matches(
                    self._rule, Atspi.CollectionSortOrder.CANONICAL, 0, True
                )
            except (GLib.GError, NotImplementedError, AttributeError, TypeError):
                self._collection = False
            else:
                found = []
                for acc in matches or []:
                    try:
                        chain = self._chain(acc)
                    except GLib.GError:  # gone meanwhile
                        continue
                    if chain is not None and chain.path != self.path:
                        found.append(chain)
                return found
        try:
            tree = self.tree()
        except WalkError:
            return []
        return [n for n in walk_nodes(tree) if n.has(R.STATE_FOCUSED) and n is not tree]

    def focus(self) -> Node | None:
        """The object with the keyboard focus in this window's page, or None.

        Qt marks the current item of an item view focused even when the view is not, and a
        scroll area's viewport (its focus proxy) as focused along with the area: so an item
        counts only when its container is focused too, a focused viewport gives way to its
        focused parent, focusable objects win, and the deepest one wins. Menus are left to
        menu_focus()."""
        candidates = []
        for node in self.focused_objects():
            if in_menu_bar(node) or node.role == R.ROLE_MENU_BAR:
                continue
            if node.role in ITEM_ROLES:
                container = container_of(node)
                if container is None or not self.fresh_focused(container):
                    continue
            candidates.append(node)
        # A scroll area's viewport is focused with it (a focus proxy): the area is the stop.
        paths = {n.path for n in candidates}
        candidates = [
            n
            for n in candidates
            if n.role in CONTROL_ROLES
            or n.role in ITEM_ROLES
            or n.parent is None
            or n.parent.path not in paths
        ]
        if not candidates:
            return None
        focusable = [n for n in candidates if n.has(R.STATE_FOCUSABLE)] or candidates
        return max(focusable, key=lambda n: len(n.ancestors()))

    def menu_focus(self) -> Node | None:
        """The menu bar entry or open-menu item the keyboard is on (menus keep the window's
        focus), or None."""
        hits = [n for n in self.focused_objects() if n.role in MENU_ITEM_ROLES and in_menu_bar(n)]
        return max(hits, key=lambda n: len(n.ancestors())) if hits else None

    def menu_open(self) -> bool:
        """Whether the menu bar has the keys or a menu is open (open menus hang under it)."""
        return any(n.role == R.ROLE_MENU_BAR or in_menu_bar(n) for n in self.focused_objects())


# -- keys ----------------------------------------------------------------------------------


def xdotool(*args: str) -> None:
    subprocess.run(["xdotool", *args], check=True, capture_output=True, timeout=30)


def key(name: str) -> None:
    xdotool("key", name)


def activate(app: Any, title: str, x_window: str, timeout: float = 10.0) -> Window:
    """Give the X window the keyboard (no window manager runs) and wait until Qt has made
    the window the active one."""
    xdotool("windowfocus", "--sync", x_window)
    deadline = time.monotonic() + timeout
    while True:
        acc = find_window_acc(app, title)
        if acc is not None and acc.getState().contains(R.STATE_ACTIVE):
            return Window(app, title)
        if time.monotonic() > deadline:
            raise WalkError(f"the window {title!r} did not become active")
        time.sleep(POLL_S)


Locate = Callable[[], "Node | None"]


def after_key(name: str, before: str | None, locate: Locate) -> Node | None:
    """Press ``name``; what ``locate`` finds once it differs from ``before`` and holds still
    (the same answer twice running), or what it finds after SETTLE_S when the key moved
    nothing."""
    key(name)
    deadline = time.monotonic() + SETTLE_S
    found: Node | None = None
    previous: str | None = None
    while time.monotonic() < deadline:
        time.sleep(POLL_S)
        pump()
        found = locate()
        if found is not None and found.path != before:
            if found.path == previous:
                return found
            previous = found.path
        else:
            previous = None
    return found


# -- the walks -----------------------------------------------------------------------------


def tab_walk(window: Window, start: Node | None) -> tuple[list[Node], str]:
    """Tab until the focus comes back to an object it already had; returns the focus
    sequence (the start first, the repeat last) and how the walk ended."""
    sequence: list[Node] = [start] if start is not None else []
    seen = {start.path} if start is not None else set()
    current = start.path if start is not None else None
    for _ in range(TAB_CAP):
        node = after_key("Tab", current, window.focus)
        if node is None:
            return sequence, "the focus left the page (nothing in the window has it)"
        sequence.append(node)
        if node.path in seen:
            return sequence, "closed"
        seen.add(node.path)
        current = node.path
    return sequence, f"capped: no object came round again within {TAB_CAP} presses of Tab"


def bar_entry(node: Node) -> Node | None:
    """The menu bar entry (Routines, Journal, ...) that ``node`` is or lies under."""
    return next(
        (n for n in [node, *node.ancestors()] if n.parent and n.parent.role == R.ROLE_MENU_BAR),
        None,
    )


def opens_submenu(node: Node) -> bool:
    if node.role == R.ROLE_MENU or bar_entry(node) is node:
        return True
    try:
        return bool(node.acc.childCount)  # a submenu entry holds its (closed) menu
    except GLib.GError:
        return False


def menu_items_beside(node: Node) -> list[Node]:
    """The showing items of the open menu that ``node`` is in."""
    menu = node.parent
    if menu is None or menu.role != R.ROLE_POPUP_MENU:
        return []
    items = []
    for i in range(menu.acc.childCount):
        try:
            child = menu.acc.getChildAtIndex(i)
        except GLib.GError:
            continue
        built = build(child, menu, i) if child is not None else None
        if built is not None and built.role in MENU_ITEM_ROLES:
            items.append(built)
    return items


def menu_walk(window: Window) -> tuple[list[Node], list[Node], list[str]]:
    """Alt, then Down through each menu until an item comes round again, then Right to the
    next menu, until a menu comes round again. Returns (the open-menu items seen showing,
    every entry and item that had the focus, problems)."""
    seen: dict[str, Node] = {}
    reached: dict[str, Node] = {}

    def look(node: Node | None) -> Node | None:
        if node is not None:
            reached.setdefault(node.path, node)
            for item in menu_items_beside(node):
                seen.setdefault(item.path, item)
        return node

    node = look(after_key("alt", None, window.menu_focus))
    if node is None:
        return [], [], ["Alt does not move the keyboard into the menu bar"]
    problems: list[str] = []
    entries: set[str] = set()
    for _ in range(MENU_CAP):
        entry = bar_entry(node)
        if entry is None or entry.path in entries:
            break
        entries.add(entry.path)
        reached.setdefault(entry.path, entry)
        items: set[str] = set()
        for _ in range(MENU_CAP):  # Down opens the menu, then moves through it
            before = node.path
            node = look(after_key("Down", before, window.menu_focus))
            if node is None or node.path in (before, entry.path) or node.path in items:
                break
            items.add(node.path)
        for _ in range(MENU_CAP):  # Right on a submenu's entry would open the submenu
            if node is None or node.path == entry.path or not opens_submenu(node):
                break
            node = look(after_key("Down", node.path, window.menu_focus))
        if node is None:
            problems.append(f"the keyboard left the menu {entry.name!r}")
            break
        node = look(after_key("Right", node.path, window.menu_focus))
        if node is None:
            problems.append(f"Right in the menu {entry.name!r} left the menus")
            break
    close_menus(window)
    return list(seen.values()), list(reached.values()), problems


def close_menus(window: Window) -> None:
    """Escape until no menu is open and the menu bar has let go of the keys, and no more:
    a spare Escape would reach the page (and close the history, say)."""
    for _ in range(5):
        if not window.menu_open():
            return
        key("Escape")
        time.sleep(0.1)
    raise WalkError("the menus did not close after five presses of Escape")


def judge(
    controls: list[Node],
    sequence: list[Node],
    ended: str,
    menu_seen: list[Node],
    menu_reached: list[Node],
) -> list[dict[str, str]]:
    offenders: dict[str, dict[str, str]] = {}

    def offend(node: Node, problem: str) -> None:
        """One entry per object, its problems joined."""
        entry = offenders.setdefault(node.path, {**node.info(), "problem": ""})
        if problem not in entry["problem"]:
            entry["problem"] = f"{entry['problem']}; {problem}" if entry["problem"] else problem

    reached = set()
    for node in sequence:
        reached.add(node.path)
        reached.update(a.path for a in node.ancestors())  # a table is reached by its cell
    menu_paths = {n.path for n in menu_reached}
    judged = {n.path: n for n in controls}
    for node in menu_seen:
        judged.setdefault(node.path, node)

    unreached = []
    for node in judged.values():
        if not is_named(node):
            offend(node, "no accessible name")
        if not node.enabled:
            continue  # Qt takes disabled widgets out of the Tab order: nothing to reach
        if in_menu_bar(node):
            if node.path not in menu_paths:
                offend(node, "not reached through the menu bar (Alt, then the arrow keys)")
            continue
        if node.path in reached:
            continue
        container = container_of(node) if node.role in ITEM_ROLES else None
        if container is not None:
            if container.path not in reached:
                offend(node, f"its {container.role_name} is never reached with Tab")
            continue
        if any(a.role in COMPOSITE_ROLES and a.path in reached for a in node.ancestors()):
            continue
        unreached.append(node)
        if node.has(R.STATE_FOCUSABLE):
            offend(node, "never reached by Tab")
        else:
            offend(node, "not reached by Tab: it cannot take the keyboard focus")

    for node in sequence:
        if node.role in CONTROL_ROLES and node.path in judged:
            continue  # judged above
        if node.role not in UNNAMED_FOCUS_OK and not is_named(node):
            offend(node, "unnamed focus stop: Tab stops here and a screen reader says nothing")

    # A trap: Tab goes round inside one list or table (or stays on one object) while
    # controls elsewhere on the page are never reached.
    if ended == "closed" and unreached:
        first = next(i for i, n in enumerate(sequence) if n.path == sequence[-1].path)
        loop = sequence[first:-1] or sequence[-1:]
        holders = {(container_of(n) or n).path for n in loop}
        if len(holders) == 1:
            holder = container_of(loop[0]) or loop[0]
            if len(loop) > 1:
                offend(holder, f"traps Tab: Tab goes round its {len(loop)} items, never out")
            elif holder.role in CONTROL_ROLES or holder.role in ITEM_ROLES:
                offend(holder, "traps Tab: Tab does not move the focus off it")
    return list(offenders.values())


# -- commands ------------------------------------------------------------------------------


def cmd_bus_ready(args: argparse.Namespace) -> dict[str, Any]:
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)

    def call(name: str, path: str, iface: str, method: str, params: Any, reply: str) -> Any:
        return bus.call_sync(
            name,
            path,
            iface,
            method,
            params,
            GLib.VariantType(reply),
            Gio.DBusCallFlags.NONE,
            5000,
            None,
        ).unpack()[0]

    deadline = time.monotonic() + args.timeout
    # NameHasOwner, not a call to org.a11y.Bus: that would start a second launcher.
    dbus = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
    while not call(*dbus, "NameHasOwner", GLib.Variant("(s)", ("org.a11y.Bus",)), "(b)"):
        if time.monotonic() > deadline:
            raise WalkError("org.a11y.Bus never appeared on the session bus")
        time.sleep(0.05)
    address = call("org.a11y.Bus", "/org/a11y/bus", "org.a11y.Bus", "GetAddress", None, "(s)")
    return {"address": address}


def cmd_wait(args: argparse.Namespace) -> dict[str, Any]:
    app = find_app(args.pid, args.timeout)
    deadline = time.monotonic() + args.timeout
    presses = 0
    next_press = time.monotonic()
    while True:
        pump()
        tree = find_window(app, args.title)
        if tree is not None and all(shows(tree, spec) for spec in args.showing):
            return {"presses": presses}
        now = time.monotonic()
        if now > deadline:
            if tree is None:
                raise WalkError(
                    f"timed out waiting for a window matching {args.title!r}; "
                    f"showing: {window_titles(app)}"
                )
            raise WalkError(
                f"timed out waiting for {', '.join(args.showing)} in {tree.name!r}"
                f" (after {presses} presses of {args.press}); showing: {describe(tree)}"
            )
        more = args.max_presses is None or presses < args.max_presses
        if args.press and more and tree is not None and now >= next_press:
            xdotool("windowfocus", "--sync", args.window)
            key(args.press)
            presses += 1
            next_press = now + args.every
        time.sleep(0.05)


def read_page(
    tree: Node, args: argparse.Namespace, texts: list[str], *, objects: bool = True
) -> tuple[list[tuple[Node, str]], list[dict[str, Any]], list[str]]:
    """What a screen reader can read on the page: (problems of objects, where each of
    ``texts`` was found, problems of the page). ``objects``: apply --generic-names and
    --items too."""
    nodes = walk_nodes(tree)
    problems: list[tuple[Node, str]] = []
    missing: list[str] = []
    if objects and args.generic_names:
        problems += generic_window(tree, window_title(args.window))
    if args.items:
        found, absent = item_problems(tree, args.items, args.item_description)
        problems += found if objects else []
        missing += absent
    content = []
    for text in texts:
        hit = exposes(nodes, text)
        where = f"the {hit[1]} of {hit[0].display_path()}" if hit is not None else ""
        content.append({"text": text, "found": hit is not None, "where": where})
    lost = [c for c in content if not c["found"]]
    missing += [
        f"{c['text']!r} is not exposed: no showing object has it as its text, name or description"
        for c in lost
    ]
    return problems, content, missing


def merge(
    offenders: list[dict[str, str]], problems: list[tuple[Node, str]]
) -> list[dict[str, str]]:
    """``offenders`` with each (object, problem) added: one entry per object."""
    by_object = {o["object"]: o for o in offenders}
    out = list(offenders)
    for node, problem in problems:
        entry = by_object.get(node.path)
        if entry is None:
            entry = by_object[node.path] = {**node.info(), "problem": problem}
            out.append(entry)
        elif problem not in entry["problem"]:
            entry["problem"] = f"{entry['problem']}; {problem}"
    return out


def window_title(x_window: str) -> str:
    """The X window's title (xdotool), to tell it from the window's accessible name."""
    done = subprocess.run(
        ["xdotool", "getwindowname", x_window], capture_output=True, text=True, timeout=30
    )
    return done.stdout.strip() if done.returncode == 0 else ""


def cmd_walk(args: argparse.Namespace) -> dict[str, Any]:
    began = time.monotonic()
    app = find_app(args.pid, 10)
    window = activate(app, args.title, args.window)
    tree = window.tree()
    for spec in args.expect:
        if not shows(tree, spec):
            raise WalkError(f"page {args.page}: no {spec} showing; showing: {describe(tree)}")
    # Start where the app put the focus, once it holds still.
    start = window.focus()
    for _ in range(20):
        time.sleep(0.05)
        again = window.focus()
        if (again and again.path) == (start and start.path):
            break
        start = again
    tree = window.tree()
    controls = [n for n in walk_nodes(tree) if n.role in CONTROL_ROLES and n is not tree]
    if not args.menus:  # the menu bar belongs to the page that walks it
        controls = [n for n in controls if not in_menu_bar(n)]

    reads = args.content or args.generic_names or args.items
    reading = read_page(tree, args, args.content) if reads else None

    tab_began = time.monotonic()
    sequence, ended = tab_walk(window, start)
    tab_seconds = time.monotonic() - tab_began
    menu_seen: list[Node] = []
    menu_reached: list[Node] = []
    notes: list[str] = []
    if ended != "closed":
        notes.append(f"the Tab walk ended early: {ended}")
    if args.menus and any(n.role == R.ROLE_MENU_BAR for n in walk_nodes(tree)):
        menu_seen, menu_reached, problems = menu_walk(window)
        notes.extend(problems)

    after = window.tree()
    for spec in args.expect:
        if not shows(after, spec):
            raise WalkError(
                f"page {args.page}: {spec} stopped showing during the walk, so the page "
                f"changed under it and its findings would be wrong; showing: {describe(after)}"
            )
    still = {n.path for n in walk_nodes(after)}
    controls = [n for n in controls if n.path in still]  # gone meanwhile: not judged
    offenders = judge(controls, sequence, ended, menu_seen, menu_reached)
    content: list[dict[str, Any]] = []
    missing: list[str] = []
    if reading is not None:
        problems, content, missing = reading
        # A text not there as the walk began may have come by its end: read again, once.
        late = [c["text"] for c in content if not c["found"]]
        if late or missing:
            _, again, still_missing = read_page(after, args, late, objects=False)
            found_late = {c["text"]: c for c in again if c["found"]}
            content = [found_late.get(c["text"], c) for c in content]
            missing = [m for m in missing if m in still_missing]
        if args.generic_names and any(not c["found"] for c in content):
            problems += generic_leaves(tree)  # what a screen reader says instead
        offenders = merge(offenders, [(n, p) for n, p in problems if n.path in still])
    return {
        "page": args.page,
        "window": tree.name,
        "tab_sequence": [n.info() for n in sequence],
        "tab_walk": ended,
        "controls": [n.info() for n in controls + menu_seen],
        "menu_reached": [n.info() for n in menu_reached],
        "offenders": offenders,
        "content": content,
        "missing": missing,
        "items": [
            {"name": n.name, "description": description_of(n)}
            for n in (list_items(after, args.items) or [] if args.items else [])
        ],
        "notes": notes,
        "seconds": {"all": round(time.monotonic() - began, 2), "tab": round(tab_seconds, 2)},
    }


def event_entry(event: Any, pid: int) -> dict[str, Any] | None:
    """One event of the app ``pid`` as JSON, with its source as it is now (None: another
    application's)."""
    source = event.source
    if source is None:
        return None
    try:
        if source.get_process_id() != pid:
            return None
    except GLib.GError:
        return None
    data = event.any_data
    entry: dict[str, Any] = {
        "t": time.monotonic(),
        "type": str(event.type),
        "detail1": int(event.detail1),
        "data": data if isinstance(data, (str, int, float, bool)) else None,
    }
    try:
        entry["role"] = str(Atspi.role_get_name(source.getRole()))
        entry["name"] = str(source.name or "")
        entry["description"] = str(source.description or "")
    except GLib.GError:  # gone already
        entry.update(role="", name="", description="")
    return entry


def cmd_listen(args: argparse.Namespace) -> dict[str, Any]:
    """Append each event of the app as a JSON line to --out, with time.monotonic() (the
    same clock in every process) as "t"; print {"ready": true} once listening; stop on
    SIGTERM or SIGINT, or after --timeout."""
    count = 0
    with open(args.out, "a", encoding="utf-8") as out:

        def record(event: Any) -> None:
            nonlocal count
            entry = event_entry(event, args.pid)
            if entry is not None:
                count += 1
                out.write(json.dumps(entry) + "\n")
                out.flush()

        def stop(*_: Any) -> bool:
            R.Registry.stop()
            return False

        for kind in EVENT_TYPES:
            R.Registry.registerEventListener(record, kind)
        for number in (signal.SIGTERM, signal.SIGINT):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, number, stop)
        GLib.timeout_add(int(args.timeout * 1000), stop)
        print(json.dumps({"ready": True}), flush=True)
        R.Registry.start()
        for kind in EVENT_TYPES:
            R.Registry.deregisterEventListener(record, kind)
    return {"events": count}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ready = sub.add_parser("bus-ready")
    ready.add_argument("--timeout", type=float, default=15)
    wait = sub.add_parser("wait")
    wait.add_argument("--pid", type=int, required=True)
    wait.add_argument("--title", required=True, help="regular expression for the window title")
    wait.add_argument("--showing", action="append", default=[], metavar="ROLE:NAME[=TEXT]")
    wait.add_argument("--press", help="an xdotool key name to press while waiting")
    wait.add_argument("--window", help="the X window to give the keys to (with --press)")
    wait.add_argument("--every", type=float, default=2.0)
    wait.add_argument("--max-presses", type=int, help="then wait without pressing")
    wait.add_argument("--timeout", type=float, default=30)
    walk = sub.add_parser("walk")
    walk.add_argument("--pid", type=int, required=True)
    walk.add_argument("--page", required=True)
    walk.add_argument("--title", required=True)
    walk.add_argument("--window", required=True, help="the X window id (xdotool)")
    walk.add_argument("--expect", action="append", default=[], metavar="ROLE:NAME[=TEXT]")
    walk.add_argument("--menus", action="store_true", help="walk the menu bar too")
    walk.add_argument(
        "--content", action="append", default=[], help="text some showing object must expose"
    )
    walk.add_argument(
        "--generic-names", action="store_true", help="flag objects named with a generic word"
    )
    walk.add_argument("--items", metavar="ROLE:NAME", help="judge the names of this list's items")
    walk.add_argument(
        "--item-description",
        action="append",
        default=[],
        metavar="TITLE=TEXT",
        help="(with --items) the items named with TITLE hold TEXT in their description",
    )
    listen = sub.add_parser("listen")
    listen.add_argument("--pid", type=int, required=True)
    listen.add_argument("--out", required=True, help="the JSON lines file to append to")
    listen.add_argument("--timeout", type=float, default=300, help="stop after this long")
    args = parser.parse_args()
    commands = {
        "bus-ready": cmd_bus_ready,
        "wait": cmd_wait,
        "walk": cmd_walk,
        "listen": cmd_listen,
    }
    try:
        result = commands[args.command](args)
    except WalkError as exc:
        print(json.dumps({"error": str(exc)}))
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
