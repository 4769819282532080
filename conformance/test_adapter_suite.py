"""Collects dbt's adapter suite: every test class of `dbt.tests.adapter.*`, run as adapters run it.

An adapter runs a suite class by subclassing it (`class TestX(BaseX): pass`). This module does
the same for every class of the installed suite that has `test_` methods, so a new suite version
is picked up without code. Classes are named `Test_<folder>__<Class>` so results group by folder.
The suite's own `Test*` classes are dbt-postgres's copies of its `Base*` classes and are skipped;
`*Mixin` classes (and the bases they complete) only run combined, as `adapter_hooks.COMPOSITIONS`
says.
"""

import importlib
import inspect
import os

import pytest

import adapter_hooks
import dbt.tests.adapter as suite


def _has_tests(cls):
    return any(name.startswith("test") and callable(getattr(cls, name, None)) for name in dir(cls))


def _folder(module_name):
    return module_name.split(".")[3]


def _module_names():
    """Every module under the suite's folders; most folders are namespace packages (no
    `__init__.py`), which `pkgutil.walk_packages` does not enter."""
    names = []
    for root in suite.__path__:
        for folder, subfolders, files in os.walk(root):
            subfolders[:] = sorted(d for d in subfolders if d != "__pycache__")
            relative = os.path.relpath(folder, root)
            prefix = suite.__name__ + ("" if relative == "." else "." + relative.replace(os.sep, "."))
            names += [f"{prefix}.{f[:-3]}" for f in sorted(files)
                      if f.endswith(".py") and f != "__init__.py" and relative != "."]
    return names


def _suite_classes():
    """(module, class) for each class with tests that the suite means to be run.

    A class is run when it is a leaf (no other suite class extends it) or when the suite's own
    `Test*` classes extend it directly; an intermediate base only its subclasses use (it lacks
    their fixtures) is not run on its own.
    """
    modules, import_errors = [], {}
    for module_name in _module_names():
        try:
            modules.append(importlib.import_module(module_name))
        except Exception as error:  # a module of the suite that cannot import is one failure
            import_errors[module_name] = error
    defined = [(m, cls) for m in modules for cls in vars(m).values()
               if inspect.isclass(cls) and cls.__module__ == m.__name__]
    extended, run_by_suite = set(), set()
    for _, cls in defined:
        for base in cls.__mro__[1:]:
            extended.add(base)
        if cls.__name__.startswith("Test"):
            run_by_suite.update(cls.__bases__)
    chosen = [(m, cls) for m, cls in defined
              if not cls.__name__.startswith("Test") and not cls.__name__.endswith("Mixin")
              and _has_tests(cls) and (cls not in extended or cls in run_by_suite)
              and cls.__name__ not in adapter_hooks.COMPLETED_BY_MIXINS]
    return chosen, import_errors


def _generate():
    generated = {}
    chosen, import_errors = _suite_classes()
    for module, cls in chosen:
        module_name, name = module.__name__, cls.__name__
        key = f"Test_{_folder(module_name)}__{name}"
        if key in generated:
            key = f"Test_{_folder(module_name)}__{module_name.split('.')[-1]}_{name}"
        bases = (*adapter_hooks.hooks_for(cls), cls)
        generated[key] = type(key, bases, {"_suite_dir": os.path.dirname(module.__file__)})
    for folder, base_name, mixin_name, hooks in adapter_hooks.COMPOSITIONS:
        module = importlib.import_module(f"dbt.tests.adapter.{folder}")
        base, mixin = getattr(module, base_name), getattr(module, mixin_name)
        key = f"Test_{folder.split('.')[0]}__{base_name}_{mixin_name}"
        bases = (*hooks, mixin, base)
        generated[key] = type(key, bases, {"_suite_dir": os.path.dirname(module.__file__)})
    for module_name, error in import_errors.items():
        key = f"Test_{_folder(module_name)}__import_{module_name.split('.')[-1]}"

        def test_imports(self, _error=error):
            pytest.fail(f"the suite module does not import: {_error!r}")

        generated[key] = type(key, (), {"test_imports": test_imports})
    return generated


globals().update(_generate())
