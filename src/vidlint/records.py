"""``Record``: the base of the small value classes a lint run creates.

A lint run needs about twenty such classes. Made with ``dataclasses`` they cost ~16 ms of
code generation at every start (0.5-1.2 ms per class, measured on a 2-CPU VM) plus importing
``inspect``: more than checking forty requests whose media is cached. A Record subclass lists
its fields in ``__slots__`` and writes its own ``__init__``; this base gives it what the
dataclasses gave: a readable ``repr``, equality field by field, and ``replace``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

_R = TypeVar("_R", bound="Record")


class Record:
    """Fields are the subclass's ``__slots__``; ``_compared`` narrows equality (None: all)."""

    __slots__: tuple[str, ...] = ()
    _compared: ClassVar[tuple[str, ...] | None] = None

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in self.__slots__
                          if not name.startswith("_"))
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._compared or self.__slots__)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen=True

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with ``changes`` applied (``dataclasses.replace``)."""
        copy = object.__new__(type(self))
        for name in self.__slots__:
            setattr(copy, name, changes.pop(name) if name in changes else getattr(self, name))
        if changes:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(changes)}")
        return copy


class FrozenRecord(Record):
    """A record treated as a value: hashable by its compared fields (nothing mutates it)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Record sets __hash__ to None (mutable)
        return hash(tuple(getattr(self, name) for name in self._compared or self.__slots__))
