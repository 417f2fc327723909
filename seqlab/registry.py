"""One mechanism for the classes that can be named in a config: layers, losses,
metrics, optimizers, learning-rate schedules.

Every subclass registers itself when it is defined (``__init_subclass__`` of
its base calls :meth:`Registry.add`). The name it is saved under:

    a seqlab class          its class name               "LSTM", "Adam"
    anyone else's class     module and qualified name    "my_model.LSTM"

so a user's own class called ``LSTM`` never replaces seqlab's when a model is
loaded: "LSTM" always means the built-in, and the user's class is saved and
found as "my_model.LSTM" (its module must be imported before loading). Old
files that name a user class by its bare name still load when exactly one
registered user class has that name. Lower-case aliases such as ``"mse"`` or
``"rmsprop"`` name built-ins only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def is_builtin(cls: type) -> bool:
    """Whether ``cls`` is defined inside the seqlab package."""
    module = cls.__module__
    return module == "seqlab" or module.startswith("seqlab.")


class Registry(Generic[T]):
    """The classes of one kind, by the names configs use (see the module docstring)."""

    def __init__(self, kind: str):
        self.kind = kind
        self._classes: dict[str, type[T]] = {}
        self._aliases: dict[str, type[T]] = {}

    def key(self, cls: type) -> str:
        """The name ``cls`` is saved under."""
        return cls.__name__ if is_builtin(cls) else f"{cls.__module__}.{cls.__qualname__}"

    def add(self, cls: type[T], aliases: Iterable[str] = ()) -> type[T]:
        """Register ``cls`` (a class redefined under the same key replaces the old one)."""
        self._classes[self.key(cls)] = cls
        for alias in aliases:
            if not is_builtin(cls):
                raise ValueError(f"{self.kind} aliases name seqlab's own classes only, "
                                 f"not {self.key(cls)!r}")
            self._aliases[alias] = cls
        return cls

    def names(self) -> list[str]:
        """Every name :meth:`lookup` accepts, sorted."""
        return sorted({*self._classes, *self._aliases})

    def classes(self) -> list[type[T]]:
        """Every registered class (seqlab's and the user's)."""
        return list(self._classes.values())

    def find(self, name: str) -> type[T] | None:
        """The class saved as ``name`` (a key, an alias, or — for files written before
        user classes had module-qualified names — the bare name of exactly one user
        class); None when there is none."""
        if not isinstance(name, str):
            return None
        cls = self._classes.get(name) or self._aliases.get(name)
        if cls is not None or "." in name:
            return cls
        users = [c for k, c in self._classes.items() if "." in k and c.__qualname__ == name]
        return users[0] if len(users) == 1 else None

    def lookup(self, name: Any) -> type[T]:
        """:meth:`find`, or a ValueError that lists the names there are."""
        cls = self.find(name)
        if cls is None:
            hint = ("; a class of your own must be imported before loading"
                    if isinstance(name, str) and "." in name else "")
            raise ValueError(f"unknown {self.kind} {name!r}{hint}; known: {self.names()}")
        return cls

    def serialize(self, obj: Any) -> dict[str, Any]:
        """``{"class_name": key, "config": obj.get_config()}`` (JSON-safe)."""
        return {"class_name": self.key(type(obj)), "config": obj.get_config()}

    def deserialize(self, spec: Any) -> T:
        """Rebuild an object from :meth:`serialize` output."""
        if not isinstance(spec, dict) or "class_name" not in spec:
            raise ValueError(f"{self.kind}: expected {{'class_name': ..., 'config': ...}}, "
                             f"got {spec!r}")
        config = spec.get("config", {})
        if not isinstance(config, dict):
            raise TypeError(f"{self.kind} {spec['class_name']!r}: config must be a dict, "
                             f"got {type(config).__name__}")
        return self.lookup(spec["class_name"]).from_config(dict(config))  # type: ignore[attr-defined]
