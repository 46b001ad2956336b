"""A scenario's outcome as plain JSON data, for `--resume`: nothing in it can run code.

The outcome's frozen dataclasses are written field by field and read back by their type
annotations (dataclasses, tuples, frozensets, dicts as [key, value] pairs, enums, numbers,
strings, None). Anything that does not fit the types exactly is refused with `ValueError`:
a damaged or foreign file is never half-read.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import types
import typing
from functools import cache
from typing import Any

from planner.results.outcome import ScenarioOutcome

FORMAT = "planner-outcome-1"


def dump_outcome(outcome: ScenarioOutcome, fingerprint: str) -> str:
    return json.dumps({"format": FORMAT, "fingerprint": fingerprint, "outcome": _plain(outcome)})


def load_outcome(text: str, fingerprint: str) -> ScenarioOutcome:
    """The outcome, if `text` is one of ours for exactly this `fingerprint`; else ValueError."""
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"not JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("not a planner outcome file")
    if data.get("fingerprint") != fingerprint:
        raise ValueError("from other inputs or settings")
    outcome = _typed(ScenarioOutcome, data.get("outcome"))
    assert isinstance(outcome, ScenarioOutcome)
    return outcome


_SCALARS = (bool, int, float, str)


def _plain(value: object) -> object:
    # scalars first: most of an outcome's 65k values (sales rows) are numbers and strings
    if value is None or isinstance(value, _SCALARS):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, (frozenset, set)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in value.items()]
    raise TypeError(f"cannot keep a {type(value).__name__} in an outcome file")


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _typed(kind: Any, data: object) -> object:
    origin = typing.get_origin(kind)
    args = typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return _union(args, data)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        return _dataclass(kind, data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if origin is tuple:
        items = _list(data)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_typed(args[0], v) for v in items)
        if len(args) != len(items):
            raise ValueError(f"expected {len(args)} items, got {len(items)}")
        return tuple(_typed(a, v) for a, v in zip(args, items, strict=True))
    if origin in (frozenset, set):
        return origin(_typed(args[0], v) for v in _list(data))
    if origin is list:
        return [_typed(args[0], v) for v in _list(data)]
    if origin is dict:
        return {_typed(args[0], _pair(p)[0]): _typed(args[1], _pair(p)[1]) for p in _list(data)}
    return _scalar(kind, data)


def _union(args: tuple[Any, ...], data: object) -> object:
    if data is None and type(None) in args:
        return None
    for arm in (a for a in args if a is not type(None)):
        try:
            return _typed(arm, data)
        except (ValueError, TypeError):
            continue
    raise ValueError(f"{data!r:.40} fits none of {args}")


def _dataclass(kind: type, data: object) -> object:
    if not isinstance(data, dict):
        raise ValueError(f"expected the fields of {kind.__name__}")
    hints = _hints(kind)
    names = {f.name for f in dataclasses.fields(kind)}
    if set(data) != names:
        raise ValueError(f"{kind.__name__}: fields differ ({sorted(set(data) ^ names)})")
    return kind(**{name: _typed(hints[name], data[name]) for name in names})


def _list(data: object) -> list[object]:
    if not isinstance(data, list):
        raise ValueError(f"expected a list, got {type(data).__name__}")
    return data


def _pair(data: object) -> list[object]:
    items = _list(data)
    if len(items) != 2:
        raise ValueError("expected a [key, value] pair")
    return items


def _scalar(kind: Any, data: object) -> object:
    if kind is Any or kind is object:
        raise ValueError("untyped value")
    if kind is float and isinstance(data, (int, float)) and not isinstance(data, bool):
        return float(data)
    if kind in (int, str, bool) and type(data) is kind:
        return data
    if kind is type(None) and data is None:
        return None
    raise ValueError(f"expected {getattr(kind, '__name__', kind)}, got {data!r:.40}")
