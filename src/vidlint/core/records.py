"""``Record``: the base of the small value classes a lint run creates.

A subclass declares each field once, as an annotation (with a default where it has one);
the base turns the annotations into ``__slots__`` when the class is created and into an
``__init__`` when the first instance is (compiled once, so a class a run never instantiates
costs no compiling), and gives what ``dataclasses`` gave: a readable ``repr``, equality field by field,
and ``replace``. A lint run needs about twenty such classes. Creating 20 classes of six fields
(a loaded 2-CPU VM, medians of 15 fresh processes): hand-written ``__slots__`` and ``__init__``
16 ms, this base 22 ms (one short ``__init__`` compiled per class), ``dataclass(slots=True)``
79 ms plus importing ``inspect``.

    class Shot(FrozenRecord):
        number: int
        text: str = ""
        notes: list[str] = field(default_factory=list)   # a fresh list for each record
        _cache: dict[str, int] | None = field(default=None, init=False)  # not an argument
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar, TypeVar, dataclass_transform

_R = TypeVar("_R", bound="Record")


class _Field:
    __slots__ = ("default", "factory", "init")

    def __init__(self, default: Any, factory: Callable[[], Any] | None, init: bool) -> None:
        self.default, self.factory, self.init = default, factory, init


_NO_DEFAULT: Any = object()


def field(*, default: Any = None, default_factory: Callable[[], Any] | None = None, init: bool = True) -> Any:
    """A field's default made fresh for each record (``default_factory``), or a field set only
    to its default, never passed to ``__init__`` (``init=False``)."""
    return _Field(default, default_factory, init)


def _make_init(name: str, fields: list[tuple[str, Any]], namespace: dict[str, Any]) -> Callable[..., None]:
    """Compile ``__init__`` for ``fields`` ((name, default or _Field or _NO_DEFAULT), in order)."""
    params, body = ["self"], []
    env: dict[str, Any] = {}
    for slot, default in fields:
        spec = default if isinstance(default, _Field) else None
        if spec is not None and not spec.init:
            value = f"_f_{slot}()" if spec.factory else f"_d_{slot}"
        elif default is _NO_DEFAULT:
            params.append(slot)
            value = slot
        elif spec is not None and spec.factory is not None:
            params.append(f"{slot}=None")
            value = f"_f_{slot}() if {slot} is None else {slot}"
        else:
            params.append(f"{slot}=_d_{slot}")
            value = slot
        if spec is not None:
            env[f"_f_{slot}"], env[f"_d_{slot}"] = spec.factory, spec.default
        else:
            env[f"_d_{slot}"] = default
        body.append(f"    self.{slot} = {value}")
    source = f"def __init__({', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    exec(source, env)  # noqa: S102 - our own field names, checked as identifiers by the class statement
    init: Callable[..., None] = env["__init__"]
    init.__qualname__ = f"{name}.__init__"
    init.__module__ = namespace.get("__module__", __name__)
    return init


@dataclass_transform(field_specifiers=(field,))
class _RecordType(type):
    """Turns a record class's annotations into ``__slots__`` and ``__init__`` (unless it writes
    ``__slots__`` itself, for a record whose ``__init__`` computes its fields)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], namespace: dict[str, Any], **kw: Any) -> _RecordType:
        inherited_slots = tuple(n for base in bases for n in getattr(base, "_slots", ()))
        if "__slots__" not in namespace:
            annotations = namespace.get("__annotations__", {})
            own = [n for n, kind in annotations.items() if "ClassVar" not in str(kind)]
            inherited: list[tuple[str, Any]] = []
            for base in bases:
                inherited += getattr(base, "_fields", [])
            fields = inherited + [(n, namespace.pop(n, _NO_DEFAULT)) for n in own]
            namespace["__slots__"] = tuple(own)
            namespace["_fields"] = fields
            if "__init__" not in namespace:
                namespace["__init__"] = _compiled_on_first_use
        namespace["_slots"] = inherited_slots + tuple(namespace["__slots__"])
        return super().__new__(mcs, name, bases, namespace, **kw)


def _compiled_on_first_use(self: Any, *args: Any, **kwargs: Any) -> None:
    """A record class's ``__init__`` until one is made: compiles the class's own and puts it in
    its place. Compiling costs ~0.15 ms a class, and a lint run creates instances of about half
    of the record classes it imports."""
    owner: Any = next(cls for cls in type(self).__mro__ if cls.__dict__.get("__init__") is _compiled_on_first_use)
    init = _make_init(owner.__name__, owner._fields, {"__module__": owner.__module__})
    owner.__init__ = init
    init(self, *args, **kwargs)


class Record(metaclass=_RecordType):
    """Fields are the annotations; ``_compared`` narrows equality (None: all)."""

    __slots__ = ()
    _fields: ClassVar[list[tuple[str, Any]]] = []  # (name, default) for __init__
    _slots: ClassVar[tuple[str, ...]] = ()  # every slot, the bases' first
    _compared: ClassVar[tuple[str, ...] | None] = None

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name, None)!r}" for name in self._slots
                          if not name.startswith("_"))
        return f"{type(self).__name__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self._compared or self._slots)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass without frozen=True

    def replace(self: _R, **changes: Any) -> _R:
        """A copy with ``changes`` applied (``dataclasses.replace``)."""
        copy = object.__new__(type(self))
        for name in self._slots:
            setattr(copy, name, changes.pop(name) if name in changes else getattr(self, name))
        if changes:
            raise TypeError(f"{type(self).__name__} has no field {', '.join(changes)}")
        return copy


class FrozenRecord(Record):
    """A record treated as a value: hashable by its compared fields (nothing mutates it)."""

    __slots__ = ()

    def __hash__(self) -> int:  # type: ignore[override]  # Record sets __hash__ to None (mutable)
        return hash(tuple(getattr(self, name) for name in self._compared or self._slots))
