"""Task registration: areas declare their tasks at import time with `@jobs.task(name)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_QUEUE = "default"
DEFAULT_MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class TaskSpec:
    name: str
    func: Callable[[dict], object]
    at_most_once: bool = False
    max_attempts: int = DEFAULT_MAX_ATTEMPTS  # attempts in all, the first included
    queue: str = DEFAULT_QUEUE
    cron: str | None = None  # run on this schedule (UTC; 5 fields, or 6 with seconds last)
    # At-most-once tasks: called with the payload when an attempt's outcome becomes unknown, so
    # the area can record it on its own row (the ledger keeps the job's state either way).
    on_uncertain: Callable[[dict], object] | None = None


_TASKS: dict[str, TaskSpec] = {}


def task(
    name: str,
    *,
    at_most_once: bool = False,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    queue: str = DEFAULT_QUEUE,
    cron: str | None = None,
    on_uncertain: Callable[[dict], object] | None = None,
):
    """Register `func(payload: dict)` as the task `name` (dotted, e.g. "reminders.send").

    Ordinary tasks are retried with back-off after any exception but GiveUp, so they must be
    idempotent (a worker killed mid-task reruns them). At-most-once tasks are retried only after
    NotDone; see the package's docstring. With `cron` the workers also run it on that schedule
    (once per instant however many workers there are), with payload {"timestamp": <Unix s>}.
    `on_uncertain(payload)` (at-most-once only) runs, in a session of its own, when an attempt's
    outcome becomes unknown."""
    if on_uncertain is not None and not at_most_once:
        raise ValueError("on_uncertain is for at-most-once tasks")
    if max_attempts < 1:
        raise ValueError("max_attempts must be at least 1")

    def register(func: Callable[[dict], object]) -> Callable[[dict], object]:
        existing = _TASKS.get(name)
        if existing is not None and existing.func is not func:
            raise ValueError(f"job task {name!r} is already registered by {existing.func.__module__}")
        _TASKS[name] = TaskSpec(name, func, at_most_once, max_attempts, queue, cron, on_uncertain)
        return func

    return register


def registered_tasks() -> dict[str, TaskSpec]:
    return dict(_TASKS)


def get(name: str) -> TaskSpec:
    try:
        return _TASKS[name]
    except KeyError:
        raise LookupError(f"no job task named {name!r} is registered") from None
