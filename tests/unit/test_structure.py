"""Structure: no import circles hidden behind imports inside functions, and the CLI's format
choices come from the registries."""

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import registry
from pipeline.cli import app

PACKAGE = Path(__file__).resolve().parents[2] / "pipeline"


def imports(module: str) -> set[str]:
    """Every ``pipeline`` module a module imports, at its top or inside a function."""
    tree = ast.parse((PACKAGE / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
            out.add(node.module[len("pipeline.") :] if node.module != "pipeline" else "")
            out.update(f"{node.module[len('pipeline.') :]}.{a.name}".strip(".") for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name[len("pipeline.") :] for a in node.names if a.name.startswith("pipeline."))
    return out


@pytest.mark.parametrize("low,high", [("build", "executors"), ("export.common", "export.review")])
def test_no_import_circle(low, high):
    assert low in imports(high)  # the higher module uses the lower one ...
    assert high not in imports(low) and not any(i.startswith(high + ".") for i in imports(low))  # ... not back


def test_publishing_is_its_own_module():
    build = (PACKAGE / "build.py").read_text(encoding="utf-8")
    for name in (
        "def build_corpus",
        "def annotate_to_dir",
        "staged_tree(",
        "build_gold",
        "export_parquet",
        "BUILD_FILE",
    ):
        assert name not in build
    from pipeline.publish import annotate_to_dir, build_corpus  # noqa: F401


@pytest.mark.parametrize("kind", ["exporters", "importers", "executors", "engines", "stance_models"])
def test_declared_names_are_the_registered_ones(kind):
    # Other tests may register names of their own in the session: the package's are all there.
    assert registry.declared(kind) and set(registry.declared(kind)) <= set(registry.names(kind))
    assert all(registry.get(kind, name) for name in registry.declared(kind))


def test_cli_format_help_lists_the_registries():
    export_help = CliRunner().invoke(app, ["export", "--help"], env={"COLUMNS": "400"}).output
    for name in registry.declared("exporters"):
        assert name in export_help
    import_help = CliRunner().invoke(app, ["import", "--help"], env={"COLUMNS": "400"}).output
    assert ", ".join(registry.declared("importers")) in import_help
    res = CliRunner().invoke(app, ["import", "x.json", "--format", "nope", "--out", "o.jsonl"])
    assert res.exit_code == 1 and "import format must be one of brat, doccano, labelstudio, prodigy" in res.output
