"""An event's class found by its type name in a table, instead of by walking every class.

Rasa turns each event dict into an `Event` with `Event.resolve_by_type`, which walks every
subclass of `Event` until one has the type name: about 17 us per event (`python -m
bench.profile`). That happens for every stored event when a conversation is read back, and for
every event in each action-server reply. The answer for a name never changes once its class is
imported, so the first answer is kept: the class Rasa's own walk gives, the first in
`all_subclasses(Event)` order. A name not found (an old `topic` event, an unknown name, a class
imported later) goes through Rasa's own walk each time, with its own result or error.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Optional, Type

_MARK = "_tpc_types_kept"


def _kept_lookup(rasas_lookup: Callable[..., Any]) -> Callable[..., Any]:
    from rasa.shared.core.events import Event

    found: Dict[str, Type[Event]] = {}

    def resolve_by_type(type_name: str, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
        cls = found.get(type_name)
        if cls is None:
            cls = rasas_lookup(type_name, default)  # Rasa's own answer, default or error
            if cls is not None and cls.type_name == type_name:
                found[type_name] = cls
        return cls

    setattr(resolve_by_type, _MARK, True)
    return resolve_by_type


def install() -> None:
    """Puts the table in place of Rasa's walk, once per process (rasa_extensions.install checks the version)."""
    from rasa.shared.core.events import Event

    if not getattr(Event.resolve_by_type, _MARK, False):
        Event.resolve_by_type = staticmethod(_kept_lookup(Event.resolve_by_type))
