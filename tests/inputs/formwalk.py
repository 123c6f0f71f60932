"""The project's form classes, found by walking its `forms` modules: tests that must hold for every form
(ISO dates, Chinese empty choices) walk these rather than a list that a new form would escape."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms

import xinfang

FORM_MODULES = {"forms", "todo_form"}  # the admin's forms are Django's own pages, not walked


def _is_form_module(name: str) -> bool:
    return name.rsplit(".", 1)[-1] in FORM_MODULES


def form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(xinfang.__path__, "xinfang."):
        if _is_form_module(module.name):
            importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if (
            cls.__module__.startswith("xinfang.")
            and _is_form_module(cls.__module__)
            and cls.__name__[0] != "_"
        ):
            found.append(cls)
    return sorted(set(found), key=lambda c: (c.__module__, c.__qualname__))
