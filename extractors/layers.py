"""Per-component versions and the layers an extraction leaves, so that a rerun redoes only what changed.

Every rule component (:data:`extractors.components.RULE_COMPONENTS`) declares what it
reads and what it writes on the Doc (``doc._.<attr>``), and
:data:`extractors.components.COMPONENT_MODULES` names the modules it runs.  From these:

- :func:`component_versions` gives each component a version: a hash of its part of
  ``extractors/components.py`` (its function, the definitions there it uses, directly or
  not, and the module's imports and other statements), of its own modules and of every
  ``extractors``/``corpus`` module they import, directly or not (and of the gazetteer
  package's version for those that read it).  An edit to ``model_names.py``, or to
  ``models_component``, changes the version of ``dvk_models`` and of no other component; an
  edit to ``numbers.py`` those of every component whose modules use it.
- While extracting, the values a component writes are pickled right after it ran (a
  *snapshot*, frozen before later components see them); an article's snapshots, the
  component versions that made them and a *base key* (its text, tokens and metadata)
  make its *layers* (:func:`pack`), stored with its rows.
- On a rerun, :class:`Replay` says which components must run again: those whose
  version changed, and a component that reads what one of them writes when that came out
  different from the snapshot (:func:`redo_plan` is the most that can run).  The
  others' values are restored from their snapshots instead of being computed.  A
  changed base key, a missing snapshot or a pipeline with components that declare
  nothing (the trained ones of ``--extractors ml|hybrid``) redo everything.

Layers are read with an unpickler that builds nothing but the dataclasses of dvk's own
``extractors`` package (and Python's plain containers), so a dataset from elsewhere
cannot make a rerun run code.
"""

from __future__ import annotations

import ast
import hashlib
import io
import pickle
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from functools import cache
from importlib import metadata
from operator import attrgetter
from pathlib import Path

_ROOT = Path(__file__).resolve().parents[1]
_PACKAGES = ("extractors", "corpus")

#: Version of the layers' own format (part of every base key).  2: dataclasses pickled as their
#: class called with the field values (:class:`_SnapshotPickler`).
FORMAT = "2"


@dataclass(frozen=True, slots=True)
class Declared:
    """What one component reads and writes on the Doc (attribute names of ``doc._``)."""

    name: str
    reads: frozenset[str]
    writes: tuple[str, ...]


def declared(components: Iterable[tuple[str, Sequence[str], Sequence[str]]]) -> list[Declared]:
    """:class:`Declared` entries from ``(name, reads, assigns)`` triples in spaCy's notation
    (``doc._.units``, ``doc.spans['dvk_units']``): only the ``doc._`` attributes count."""

    def attrs(names: Sequence[str]) -> list[str]:
        return [n.removeprefix("doc._.") for n in names if n.startswith("doc._.")]

    return [
        Declared(name, frozenset(attrs(reads)), tuple(attrs(writes))) for name, reads, writes in components
    ]


# --------------------------------------------------------------------------- versions


def _module_path(module: str) -> Path | None:
    parts = module.split(".")
    if parts[0] not in _PACKAGES:
        return None
    base = _ROOT.joinpath(*parts)
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def _imports(module: str) -> frozenset[str]:
    """The ``extractors``/``corpus`` modules that ``module`` imports (anywhere in its source)."""
    path = _module_path(module)
    if path is None:
        return frozenset()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)  # "from extractors import units"
    return frozenset(m for m in found if _module_path(m) is not None)


def module_closure(modules: Iterable[str]) -> list[str]:
    """``modules`` and every dvk module they import, directly or not, sorted."""
    todo, seen = list(modules), set()
    while todo:
        m = todo.pop()
        if m in seen or _module_path(m) is None:
            continue
        seen.add(m)
        todo.extend(_imports(m))
    return sorted(seen)


def _package_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:  # pragma: no cover
        return "unknown"


def source_version(
    modules: Iterable[str], packages: Iterable[str] = (), own: Iterable[str] = (), parts: Iterable[str] = ()
) -> str:
    """A short hash of the source of ``modules`` and the modules they import (directly or not),
    of the source of ``own`` alone (not what it imports), of the source ``parts`` (pieces of a
    module) and of the versions of ``packages``."""
    digest = hashlib.sha1()
    for m in sorted({*module_closure(modules), *own}):
        path = _module_path(m)
        if path is not None:
            digest.update(m.encode())
            digest.update(path.read_bytes())
    for part in parts:
        digest.update(part.encode())
    for p in sorted(packages):
        digest.update(f"{p}={_package_version(p)}".encode())
    return digest.hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class _Outline:
    """A module's top level: each definition's source and the names in it; the source of the other
    statements (imports, calls) and the names in them; which function each
    ``@Language.component("<name>")`` registers."""

    defs: dict[str, tuple[str, frozenset[str]]]
    shared: tuple[str, frozenset[str]]
    registered: dict[str, str]


def _names(node: ast.AST) -> frozenset[str]:
    return frozenset(n.id for n in ast.walk(node) if isinstance(n, ast.Name))


def _defined(node: ast.stmt) -> list[str]:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return [node.name]
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _registers(node: ast.stmt) -> str | None:
    """The component name of a function decorated ``@<x>.component("<name>", ...)``."""
    for d in getattr(node, "decorator_list", ()):
        if (
            isinstance(d, ast.Call)
            and isinstance(d.func, ast.Attribute)
            and d.func.attr == "component"
            and d.args
            and isinstance(d.args[0], ast.Constant)
            and isinstance(d.args[0].value, str)
        ):
            return d.args[0].value
    return None


@cache
def _outline(module: str) -> _Outline | None:
    path = _module_path(module)
    if path is None:
        return None
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    defs: dict[str, tuple[str, frozenset[str]]] = {}
    shared_src: list[str] = []
    shared_names: set[str] = set()
    registered: dict[str, str] = {}
    for node in tree.body:
        first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", ()))])
        src = "\n".join(lines[first - 1 : node.end_lineno])  # whole lines: decorators, trailing comments
        names = _defined(node)
        if len(names) == 1 and names[0] not in defs:
            defs[names[0]] = (src, _names(node))
            if (component := _registers(node)) is not None:
                registered[component] = names[0]
        else:  # anything else (or a name bound twice) counts for every component
            shared_src.append(src)
            shared_names.update(_names(node))
    return _Outline(defs, ("\n".join(shared_src), frozenset(shared_names)), registered)


def component_source(module: str, component: str, always: Iterable[str] = ()) -> list[str]:
    """The source in ``module`` that ``component``'s output can depend on: the function that registers
    it, every top-level definition it uses (directly or not), and the module's other top-level
    statements (imports, registrations) with what they use.  An edit elsewhere in the module (another
    component, a helper only others use, a comment between definitions) leaves it out.  The
    definitions named in ``always`` count for every component.  The whole module when it registers
    no such component."""
    outline = _outline(module)
    path = _module_path(module)
    if outline is None or component not in outline.registered:
        return [path.read_text(encoding="utf-8")] if path is not None else []
    todo = [*outline.shared[1], *always, outline.registered[component]]
    seen: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen or name not in outline.defs:
            continue
        seen.add(name)
        todo.extend(outline.defs[name][1])
    return [outline.shared[0], *(f"{name}\n{outline.defs[name][0]}" for name in sorted(seen))]


def component_versions(
    modules: Mapping[str, Sequence[str]], packages: Mapping[str, Sequence[str]] | None = None
) -> dict[str, str]:
    """The version of each component: a hash of its part of ``extractors/components.py``
    (:func:`component_source`: its function and what that uses there; not the modules it imports
    for all of them) and of the closure of the component's own ``extractors`` modules."""
    packages = packages or {}
    return {
        name: source_version(
            [f"extractors.{m}" for m in mods],
            packages.get(name, ()),
            # the declarations decide what a rerun restores: an edit to them redoes everything
            parts=component_source("extractors.components", name, always=("RULE_COMPONENTS",)),
        )
        for name, mods in modules.items()
    }


# --------------------------------------------------------------------------- the plan


def redo_plan(
    pipeline: Sequence[str],
    components: Sequence[Declared],
    current: Mapping[str, str],
    cached: Mapping[str, str] | None,
) -> set[str]:
    """The components of ``pipeline`` that must run again, given the versions that made the
    cached snapshots (``cached``; None when there are none usable) and the ``current`` ones.

    A component runs again when its version differs (or it has no snapshot), or when it
    reads an attribute that a component running again writes.  Every component runs
    when there is no cache, or when the pipeline holds a component that declares nothing.
    """
    by_name = {c.name: c for c in components}
    if cached is None or any(name not in by_name for name in pipeline):
        return set(pipeline)
    redo: set[str] = set()
    dirty: set[str] = set()
    for name in pipeline:
        c = by_name[name]
        if cached.get(name) is None or cached.get(name) != current.get(name) or c.reads & dirty:
            redo.add(name)
            dirty.update(c.writes)
    return redo


class Replay:
    """One rerun's walk through the pipeline, with *early cutoff*: a component runs again only
    when its version changed (or it has no snapshot) or when one of the attributes it reads
    now holds a value other than the one its snapshot was made from.

    :func:`redo_plan` is the most that can run again; here a component that runs again and
    writes what its snapshot holds (compared as bytes, then attribute by attribute as values)
    leaves what reads it alone: a rule fix that changes a few articles' units redoes the models
    and statistics of those articles only.  Every component is a function of the base (text, tokens,
    metadata), of the attributes it declares it reads and of its own version, so a snapshot
    made from equal inputs by the same version is what running it again would give.

    The values of components not run stay in their snapshots until something reads them
    (:meth:`restore_for`): an attribute's value is that of the last component before the
    reader that wrote it.
    """

    def __init__(
        self,
        pipeline: Sequence[str],
        components: Sequence[Declared],
        current: Mapping[str, str],
        earlier: Layers | None,
    ) -> None:
        self._by_name = {c.name: c for c in components}
        self._current = current
        # no usable snapshots, or a component declaring nothing: everything runs
        usable = earlier is not None and all(n in self._by_name for n in pipeline)
        self._earlier = earlier if usable else None
        self._dirty: set[str] = set()  # attributes whose value differs from the snapshots'
        self._held: dict[str, str] = {}  # attribute -> component whose snapshot holds its value

    def must_run(self, name: str) -> bool:
        """Whether ``name`` runs (when not, call :meth:`skipped`; when it does, :meth:`ran`)."""
        earlier, c = self._earlier, self._by_name.get(name)
        if earlier is None or c is None or name not in earlier.snapshots:
            return True
        return earlier.versions.get(name) != self._current.get(name) or bool(c.reads & self._dirty)

    def skipped(self, name: str) -> bytes:
        """``name`` did not run: its snapshot holds its values (returned, to keep)."""
        for attr in self._by_name[name].writes:
            self._held[attr] = name
        return self._earlier.snapshots[name]  # type: ignore[union-attr]

    def ran(self, name: str, values: Mapping[str, object]) -> bytes:
        """``name`` ran and wrote ``values``: their snapshot (returned, to keep); what it wrote is
        dirty unless it equals what the earlier snapshot holds."""
        snap = snapshot(values)
        c = self._by_name.get(name)
        if c is None:
            return snap
        for attr in c.writes:
            self._held.pop(attr, None)  # the Doc holds the current value
        old = self._earlier.snapshots.get(name) if self._earlier is not None else None
        self._dirty.update(_changed(old, snap, values) if old is not None else values.keys())
        return snap

    def restore_for(self, attrs: Iterable[str]) -> dict[str, object]:
        """The values of ``attrs`` that are still held in snapshots (each snapshot read once);
        set them on the Doc before what reads them runs."""
        wanted: dict[str, list[str]] = {}
        for attr in attrs:
            name = self._held.pop(attr, None)
            if name is not None:
                wanted.setdefault(name, []).append(attr)
        out: dict[str, object] = {}
        for name, names in wanted.items():
            values = restore(self._earlier.snapshots[name])  # type: ignore[union-attr]
            out.update((a, values[a]) for a in names)
        return out

    def unchanged(self, attrs: Iterable[str]) -> bool:
        """Whether ``attrs`` hold what the earlier snapshots held (False with none to compare)."""
        return self._earlier is not None and self._dirty.isdisjoint(attrs)

    def held(self) -> list[str]:
        """The attributes whose values are still only in snapshots."""
        return list(self._held)


def _changed(old: bytes, new: bytes, values: Mapping[str, object]) -> list[str]:
    """The attributes of ``values`` (whose snapshot is ``new``) that differ from what the snapshot
    ``old`` holds: none when the bytes are equal; else compared value by value (pickles of equal
    values can differ in how they share objects)."""
    if old == new:
        return []
    try:
        before = restore(old)
    except Exception:  # noqa: BLE001 - an unreadable snapshot is a changed one
        return list(values)
    return [a for a, v in values.items() if a not in before or before[a] != v]


# --------------------------------------------------------------------------- packing


@dataclass(frozen=True, slots=True)
class Layers:
    """The layers of one extraction: its base key, and per component the version and snapshot."""

    base: str
    versions: dict[str, str]
    snapshots: dict[str, bytes]


def base_key(content_hash: str, tokens_key: str, meta: Mapping[str, object]) -> str:
    """What every layer depends on besides the components: the text, its tokens, the metadata read."""
    parts = [FORMAT, content_hash, tokens_key] + [f"{k}={meta.get(k)!r}" for k in sorted(meta)]
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


def _positional_reducer(cls: type):
    """``obj -> (cls, field values)``, which pickle stores as a call of ``cls`` with them; None for a
    class that a call with every field's value in order would not rebuild (a field outside
    ``__init__`` or keyword-only, a ``__post_init__``)."""
    if not is_dataclass(cls) or not cls.__dataclass_params__.init or hasattr(cls, "__post_init__"):  # type: ignore[attr-defined]
        return None
    declared = fields(cls)
    if any(not f.init or f.kw_only for f in declared):
        return None
    names = [f.name for f in declared]
    if not names:
        return lambda obj: (cls, ())
    get = attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (get(obj),))
    return lambda obj: (cls, get(obj))


class _Reducers(dict):
    """A pickler's ``dispatch_table`` built on demand: a dataclass's positional reducer, else
    pickle's own way (``KeyError``).  A slotted dataclass pickles through a Python-level
    ``__getstate__`` that lists its fields again for every object; the reducer reads them with one
    ``attrgetter`` and unpickles with one call (3x faster both ways, and smaller)."""

    def __init__(self) -> None:
        super().__init__()
        self._own_way: set[type] = set()  # classes pickled pickle's own way (asked once)

    def __missing__(self, cls: type):
        reducer = None if cls in self._own_way else _positional_reducer(cls)
        if reducer is None:
            self._own_way.add(cls)
            raise KeyError(cls)
        self[cls] = reducer
        return reducer


class _SnapshotPickler(pickle.Pickler):
    dispatch_table = _Reducers()


def snapshot(values: Mapping[str, object]) -> bytes:
    """The values a component wrote, frozen now (later components may change the objects)."""
    buf = io.BytesIO()
    _SnapshotPickler(buf, protocol=pickle.HIGHEST_PROTOCOL).dump(dict(values))
    return buf.getvalue()


def pack(layers: Layers) -> bytes:
    """Layers as bytes to store (compressed pickle of plain containers)."""
    raw = pickle.dumps(
        {"base": layers.base, "versions": layers.versions, "snapshots": layers.snapshots},
        protocol=pickle.HIGHEST_PROTOCOL,
    )
    return zlib.compress(raw, 1)


class _DataclassesOnly(pickle.Unpickler):
    """Builds only dataclasses defined in dvk's ``extractors`` package, never any other global."""

    def find_class(self, module: str, name: str) -> type:
        if module == "extractors" or module.startswith("extractors."):
            obj = super().find_class(module, name)
            if isinstance(obj, type) and is_dataclass(obj):
                return obj
        raise pickle.UnpicklingError(f"layers may not hold {module}.{name}")


def _load(data: bytes) -> object:
    return _DataclassesOnly(io.BytesIO(data)).load()


def unpack(data: bytes | None) -> Layers | None:
    """The :class:`Layers` of :func:`pack`'s bytes; None for none or for bytes it cannot read."""
    if not data:
        return None
    try:
        raw = _load(zlib.decompress(data))
        return Layers(str(raw["base"]), dict(raw["versions"]), dict(raw["snapshots"]))  # type: ignore[index]
    except Exception:  # noqa: BLE001 - an unreadable cache entry is a miss, not an error
        return None


def restore(snapshot_bytes: bytes) -> dict[str, object]:
    """The values of a snapshot (fresh objects each time)."""
    values = _load(snapshot_bytes)
    if not isinstance(values, dict):
        raise pickle.UnpicklingError("a snapshot is a dict of attribute values")
    return values
