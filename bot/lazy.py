"""Functions named by module and name, whose module is imported the first time one is called.

The features (bot/features.py) plug their listeners, sub-commands, routes, jobs, tasks, App Home and
agenda sections in through these: a process imports a feature's handlers, block builders and tables
when it first needs them (a request, a job's first run), not at start-up. `python -m bot serve` listens
without them; a request waits for its feature's import once (tens of milliseconds).

`lazy(module, name)` is called with whatever it is given; `listener(module, name)` is a Bolt listener,
given exactly the arguments Bolt would give the function itself (Bolt hands a listener the arguments
its parameters name). Both carry the function's module and name, so Bolt's and APScheduler's logs name
the function as before. `target(fn)` is the function a reference stands for (fn itself otherwise).
tests/test_layers.py reads `lazy("...")` and `listener("...")` as imports of their modules.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from slack_bolt.kwargs_injection.args import Args

_REFERENCES: dict[Callable[..., Any], tuple[str, str]] = {}  # every reference made: (module, name)


def _resolve(module: str, name: str) -> Callable[..., Any]:
    fn = getattr(importlib.import_module(module), name)
    if not callable(fn):
        raise TypeError(f"{module}.{name} is not callable")
    return fn


def _named(fn: Callable[..., Any], module: str, name: str) -> Callable[..., Any]:
    fn.__module__, fn.__name__, fn.__qualname__ = module, name, name
    _REFERENCES[fn] = (module, name)
    return fn


def lazy(module: str, name: str) -> Callable[..., Any]:
    """`module.name`, imported on the first call."""
    found: list[Callable[..., Any]] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if not found:
            found.append(_resolve(module, name))
        return found[0](*args, **kwargs)

    return _named(call, module, name)


def listener(module: str, name: str) -> Callable[..., Any]:
    """A Bolt listener for `module.name`, imported on the first request it gets."""
    from slack_bolt.kwargs_injection import build_required_kwargs
    from slack_bolt.util.utils import get_arg_names_of_callable

    found: list[tuple[Callable[..., Any], list[str]]] = []

    def call(args: Args) -> Any:
        if not found:
            fn = _resolve(module, name)
            found.append((fn, get_arg_names_of_callable(fn)))
        fn, arg_names = found[0]
        return fn(**build_required_kwargs(logger=args.logger, required_arg_names=list(arg_names),
                                          request=args.request, response=args.response, this_func=fn))

    return _named(call, module, name)


def target(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The function `fn` stands for (importing its module): `fn` itself unless it is a reference."""
    ref = _REFERENCES.get(fn)
    return fn if ref is None else _resolve(*ref)


def references() -> dict[Callable[..., Any], tuple[str, str]]:
    """Every reference made so far, with its (module, name)."""
    return dict(_REFERENCES)
