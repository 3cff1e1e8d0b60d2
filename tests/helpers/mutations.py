"""Hypothesis strategies for malformed input: random JSON and small mutations of valid data."""

from __future__ import annotations

import copy

from hypothesis import strategies as st

# Numbers and texts that break naive code: huge and negative integers, floats that do not
# round-trip to an int, unicode digits that str.isdigit() accepts but int() refuses.
AWKWARD_SCALARS = st.sampled_from([
    10**400, -(10**400), 2**63, -1, 0, 1e308, -0.0, 0.5, float("inf"), float("nan"), True,
    False, None, "", " ", "²", "٣", "1" * 5000, "ab\u0000c", "🙂", "\ud800", "-", "1.0",
    [], {}, [[]], {"": None}, "max", "min", "all",
])
JSON_SCALARS = (st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
                | AWKWARD_SCALARS)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)

AWKWARD_KEYS = st.text(max_size=8) | st.sampled_from(["²", "٣", "-1", "0", "99999", "1" * 5000,
                                                       "key", "items", "scale", "all"])
Path = tuple[object, ...]


def _children(value: object) -> list[object]:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return list(range(len(value)))
    return []


@st.composite
def _place(draw: st.DrawFn, value: object) -> Path:
    """A place in a JSON value: from the top, going one level deeper half of the time, so that
    the top-level fields are changed about as often as a text deep inside an item."""
    path: Path = ()
    while True:
        children = _children(value)
        if not children or (path and draw(st.booleans())):
            return path
        step = draw(st.sampled_from(children))
        path, value = (*path, step), value[step]  # type: ignore[index]


def _parent(value: object, path: Path) -> object:
    for step in path[:-1]:
        value = value[step]  # type: ignore[index]
    return value


@st.composite
def mutated(draw: st.DrawFn, original: object, max_changes: int = 3) -> object:
    """A copy of `original` with one to `max_changes` changes: a value dropped, replaced by a
    random or awkward one, a field renamed, or a list entry duplicated."""
    value = copy.deepcopy(original)
    for _ in range(draw(st.integers(1, max_changes))):
        path = draw(_place(value))
        if not path:
            continue
        parent, last = _parent(value, path), path[-1]
        operation = draw(st.sampled_from(["drop", "replace", "rename", "duplicate"]))
        if operation == "drop":
            del parent[last]  # type: ignore[union-attr, arg-type]
        elif operation == "rename" and isinstance(parent, dict):
            parent[draw(AWKWARD_KEYS)] = parent.pop(last)
        elif operation == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))  # type: ignore[arg-type]
        else:
            parent[last] = draw(JSON_VALUES)  # type: ignore[index]
    return value
