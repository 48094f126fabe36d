"""What personal data the product holds about a worker, declared by the area that holds it.

PIPL's rights (docs/semantics.md, "Personal data") are exercised over every area at once — see
what is held, close the account, keep nothing past its period — while each area alone knows its
tables. So each area that stores something about a worker declares it once, in
`app/<area>/personal_data.py`::

    from app.core import personal_data

    personal_data.register(personal_data.Holder(
        name="claims",
        export=lambda worker_id: [...],   # what is stored about the worker, JSON-able
        erase=unlink_worker,              # -> rows changed; counts in reports stay equal
        expire=drop_old_texts,            # (now) -> rows changed past their retention period
        revoke=drop_photos,               # (worker_id, feature) -> rows removed when a grant goes
    ))

The app factory imports every such module (`load_holders`), so the registry is complete before
the first request; the privacy area runs the holders (export, account closing, retention).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any

MODULE_NAME = "personal_data"


@dataclass(frozen=True)
class Holder:
    """One kind of personal data. `erase` anonymises or deletes what links rows to the worker —
    never the counts the union reports; `expire` removes what is past its retention period
    (reading its period from the settings) in batches that do not hold locks for long; `revoke`
    deletes what depends on a consent feature (e.g. "photos") the worker withdrew."""

    name: str
    export: Callable[[int], Any]
    erase: Callable[[int], int]
    expire: Callable[[datetime], int] | None = None
    revoke: Callable[[int, str], int] | None = None


_HOLDERS: dict[str, Holder] = {}


def register(holder: Holder) -> Holder:
    """Declare a holder; declaring the same name again replaces it (a module imported twice)."""
    _HOLDERS[holder.name] = holder
    return holder


def unregister(name: str) -> None:
    """Forget a holder (tests)."""
    _HOLDERS.pop(name, None)


def holders() -> tuple[Holder, ...]:
    return tuple(_HOLDERS[name] for name in sorted(_HOLDERS))


def export_all(worker_id: int) -> dict[str, Any]:
    """Everything every holder stores about the worker, by holder name."""
    return {holder.name: holder.export(worker_id) for holder in holders()}


def erase_all(worker_id: int) -> dict[str, int]:
    """Unlink the worker everywhere; rows changed, by holder name. The caller commits."""
    return {holder.name: holder.erase(worker_id) for holder in holders()}


def expire_all(now: datetime) -> dict[str, int]:
    """Remove what is past its retention period everywhere; rows changed, by holder name."""
    return {holder.name: holder.expire(now) for holder in holders() if holder.expire}


def revoke_all(worker_id: int, feature: str) -> dict[str, int]:
    """Delete what depends on a withdrawn grant everywhere; rows removed, by holder name. The
    caller commits."""
    return {holder.name: holder.revoke(worker_id, feature) for holder in holders() if holder.revoke}


def load_holders(package: ModuleType) -> list[str]:
    """Import `<area>.personal_data` of every subpackage of `package` that has one (each
    registers its holders as it is imported); the modules imported."""
    loaded = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.ispkg:
            continue
        name = f"{package.__name__}.{info.name}.{MODULE_NAME}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
            loaded.append(name)
    return loaded
