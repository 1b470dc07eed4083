"""`@record`: a frozen dataclass, made at a fraction of the import cost.

`@dataclass(frozen=True)` compiles six methods from source for every class (`__init__`,
`__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`): about 0.3 ms a class, and a
handout's modules define some fifty such classes, which a bare ReportLab script never pays.
A record is the same dataclass (`dataclasses.fields`, `replace`, `asdict` and `is_dataclass`
see it as one: the fields are the dataclass module's own) whose `__init__` is compiled from
source the first time the class is called, and whose other five methods are shared functions
that read the field names: the same equality (same class, field by field, fields declared
`compare=False` left out), the same hash values, the same repr and the same
FrozenInstanceError. A class this does not cover (a base that is a dataclass, `InitVar`,
`kw_only`, `slots`, its own `__eq__`, `__hash__`, `__repr__`, `__setattr__` or
`__delattr__`) is made by `dataclass(frozen=True)` itself.
"""

from __future__ import annotations

import dataclasses
import reprlib
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")

_OWN = ("__eq__", "__hash__", "__repr__", "__setattr__", "__delattr__", "__init__")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def record(cls: type[T]) -> type[T]:
    """`@dataclass(frozen=True)`, cheaper to define (see the module's doc)."""
    if not _plain(cls):
        return dataclasses.dataclass(frozen=True)(cls)
    undocumented = cls.__doc__ is None
    if undocumented:
        cls.__doc__ = "-"  # else the dataclass module asks inspect for the signature (slow)
    dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = list(dataclasses.fields(cls))  # type: ignore[arg-type]  # real fields only
    if undocumented:
        cls.__doc__ = f"{cls.__name__}({', '.join(f.name for f in fields)})"
    _check_order(cls, fields)
    params = cls.__dict__["__dataclass_params__"]
    params.init = params.repr = params.eq = params.frozen = True
    names = frozenset(f.name for f in fields)
    _methods(cls, fields, names)
    return cls


def _plain(cls: type) -> bool:
    """A class whose record is exactly its frozen dataclass."""
    if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
        return False
    own = cls.__dict__
    # A body that defines __eq__ gets __hash__ = None from Python: also the dataclass's case.
    if any(name in own for name in _OWN if name != "__hash__") or own.get("__hash__", None):
        return False
    if any(isinstance(v, dataclasses.Field) and v.kw_only is True for v in own.values()):
        return False
    annotations = own.get("__annotations__", {})
    return "__slots__" not in own and not any(
        name == "self" or name.startswith("__") or "InitVar" in str(a) or "KW_ONLY" in str(a)
        for name, a in annotations.items()
    )


def _check_order(cls: type, fields: list[dataclasses.Field[Any]]) -> None:
    """The dataclass module's refusals, made when the class is defined, as it makes them."""
    seen_default = False
    for f in fields:
        if not f.init:
            continue
        if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
            seen_default = True
        elif seen_default:
            raise TypeError(f"non-default argument {f.name!r} follows default argument")


def _values(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    """The object's values of `names`, as a tuple (what the dataclass compares and hashes)."""
    if not names:
        return lambda obj: ()
    if len(names) == 1:
        one = attrgetter(names[0])
        return lambda obj: (one(obj),)
    return attrgetter(*names)


def _methods(cls: type, fields: list[dataclasses.Field[Any]], names: frozenset[str]) -> None:
    compared = _values([f.name for f in fields if f.compare])
    hashed = _values([f.name for f in fields if (f.compare if f.hash is None else f.hash)])
    shown = [f.name for f in fields if f.repr]
    owner: type[Any] = cls

    def __eq__(self: Any, other: object) -> bool:
        if other.__class__ is self.__class__:
            same: bool = compared(self) == compared(other)
            return same
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(hashed(self))

    @reprlib.recursive_repr()
    def __repr__(self: Any) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__}({inner})"

    def __setattr__(self: Any, name: str, value: Any) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")
        super(owner, self).__setattr__(name, value)

    def __delattr__(self: Any, name: str) -> None:
        if type(self) is cls or name in names:
            raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
        super(owner, self).__delattr__(name)

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        # No lock (a forked worker must never inherit a held one): two threads that both
        # come first compile the same __init__ and either one stays.
        init = cls.__dict__["__init__"]
        if init is __init__:
            init = _init(cls, fields)
            type.__setattr__(cls, "__init__", init)
        init(self, *args, **kwargs)

    for method in (__eq__, __hash__, __repr__, __setattr__, __delattr__, __init__):
        method.__qualname__ = f"{cls.__qualname__}.{method.__name__}"
        method.__module__ = cls.__module__
        type.__setattr__(cls, method.__name__, method)


def _init(cls: type, fields: list[dataclasses.Field[Any]]) -> Callable[..., None]:
    """The frozen dataclass's `__init__`, compiled from source as the dataclass module does:
    the same parameters, defaults and default factories, and `__post_init__` after."""
    env: dict[str, Any] = {"__set": object.__setattr__, "__factory": _FACTORY}
    params, body = [], []
    for f in fields:
        value = f.name
        if f.default is not dataclasses.MISSING:
            env[f"__default_{f.name}"] = f.default
            default = f"=__default_{f.name}"
        elif f.default_factory is not dataclasses.MISSING:
            env[f"__make_{f.name}"] = f.default_factory
            default = "=__factory"
            value = f"__make_{f.name}() if {f.name} is __factory else {f.name}"
        else:
            default = ""
        if f.init:
            params.append(f"{f.name}{default}")
        elif f.default_factory is not dataclasses.MISSING:
            value = f"__make_{f.name}()"
        elif f.default is not dataclasses.MISSING:
            value = f"__default_{f.name}"
        else:
            continue
        body.append(f"    __set(self, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    source = f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass")
    namespace: dict[str, Any] = {}
    exec(source, env, namespace)
    init: Callable[..., None] = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


class _Factory:
    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()
"""The default of a parameter whose field has a default factory (the dataclass's sentinel)."""
