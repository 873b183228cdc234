"""Record classes: fields, defaults and factories, and an ``__init__`` compiled at the first instance."""

from __future__ import annotations

import pickle

import pytest

from vidlint.core.records import Record, field


class Shot(Record):
    number: int
    text: str = ""
    notes: list[str] = field(default_factory=list)
    _seen: int = field(default=0, init=False)


class LongShot(Shot):
    lens: str = "wide"


class PlainShot(Shot):
    __slots__ = ()


class Framed(Record):
    __slots__ = ("width",)

    def __init__(self, width: int) -> None:
        self.width = width


class Cropped(Shot):
    def __init__(self, number: int) -> None:
        super().__init__(number, "cropped")


def _compiled(cls: type) -> bool:
    return cls.__dict__["__init__"].__qualname__ == f"{cls.__name__}.__init__"


def test_init_is_compiled_at_the_first_instance_only():
    class Fresh(Record):
        a: int
        b: str = "x"

    assert not _compiled(Fresh)
    first = Fresh(1)
    assert _compiled(Fresh)
    compiled = Fresh.__dict__["__init__"]
    assert (first.a, first.b) == (1, "x")
    assert Fresh(2, b="y").b == "y" and Fresh.__dict__["__init__"] is compiled


def test_fields_defaults_and_factories():
    shot = Shot(3)
    assert (shot.number, shot.text, shot.notes, shot._seen) == (3, "", [], 0)
    assert Shot(3).notes is not shot.notes
    assert Shot(4, "pan", notes=["a"]) == Shot(4, "pan", ["a"])
    assert repr(Shot(5, "tilt")) == "Shot(number=5, text='tilt', notes=[])"
    assert pickle.loads(pickle.dumps(Shot(6, "x"))) == Shot(6, "x")


def test_a_subclass_compiles_its_own_or_the_inherited_init():
    long_shot = LongShot(1, "a", [], "tele")
    assert (long_shot.number, long_shot.lens) == (1, "tele")
    assert LongShot(2).lens == "wide"

    class Base(Record):
        n: int

    class Same(Base):
        __slots__ = ()

    assert Same(7).n == 7  # the base's init, compiled through the subclass's first instance
    assert _compiled(Base) and "__init__" not in Same.__dict__
    assert Base(8).n == 8
    assert PlainShot(9).number == 9


def test_written_inits_are_kept_and_can_call_the_compiled_one():
    assert Framed(4).width == 4
    cropped = Cropped(2)
    assert (cropped.number, cropped.text) == (2, "cropped")


def test_wrong_arguments_fail_as_a_written_init_would():
    class Two(Record):
        a: int
        b: int

    with pytest.raises(TypeError, match="missing 1 required positional argument: 'b'"):
        Two(1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'c'"):
        Two(1, 2, c=3)
    assert Two(1, 2).b == 2
