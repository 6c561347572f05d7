"""The validator catches every corruption of the real annotations, naming file and line."""

import json
import random

from conftest import ROOT

from pipeline.quality.audit import validate_dir, validate_files
from pipeline.schema import SCHEMAS

SPAN_LAYERS = ["sentences.jsonl", "entities.jsonl", "claims.jsonl", "gold/claims.jsonl", "gold/coder_a.jsonl"]
CLAIM_LAYERS = ["claims.jsonl", "gold/claims.jsonl", "gold/coder_b.jsonl"]


def real_files():
    return {name: (ROOT / "annotations" / name).read_text(encoding="utf-8") for name in SCHEMAS}


def edit_record(files, name, rng, change):
    """Apply ``change`` to one random record of ``name``; return the 1-based line changed."""
    lines = files[name].splitlines()
    i = rng.randrange(len(lines))
    record = json.loads(lines[i])
    change(record, rng)
    lines[i] = json.dumps(record, ensure_ascii=False)
    files[name] = "\n".join(lines) + "\n"
    return i + 1


def shift_offsets(files, rng):
    name = rng.choice(SPAN_LAYERS)
    return name, edit_record(files, name, rng, lambda r, _: r.update(start=r["start"] + 1, end=r["end"] + 1))


def alter_text(files, rng):
    name = rng.choice(SPAN_LAYERS)
    return name, edit_record(files, name, rng, lambda r, _: r.update(text=r["text"][:-1] + "#"))


def dangling_sentence(files, rng):
    name = rng.choice(["entities.jsonl"] + CLAIM_LAYERS)
    return name, edit_record(files, name, rng, lambda r, _: r.update(sent_id=r["sent_id"] + "9"))


def dangling_doc(files, rng):
    name = rng.choice(["sentences.jsonl", "entities.jsonl"] + CLAIM_LAYERS)
    return name, edit_record(files, name, rng, lambda r, _: r.update(doc_id="no_such_doc"))


def dangling_entity(files, rng):
    name = rng.choice(CLAIM_LAYERS)
    field = rng.choice(["actor_mentions", "target_mentions"])
    return name, edit_record(files, name, rng, lambda r, _: r[field].append(r["doc_id"] + ":e9999"))


def dangling_footnote(files, rng):
    name = rng.choice(CLAIM_LAYERS)
    return name, edit_record(files, name, rng, lambda r, _: r["footnotes"].append("99"))


def unknown_label(files, rng):
    name, field, value = rng.choice(
        [(n, "stance", "favor") for n in CLAIM_LAYERS]
        + [(n, "topic", "war") for n in CLAIM_LAYERS]
        + [("entities.jsonl", "label", "COUNTRY")]
    )
    return name, edit_record(files, name, rng, lambda r, _: r.update({field: value}))


def unknown_country(files, rng):
    name = rng.choice(CLAIM_LAYERS)
    field = rng.choice(["actor", "target"])
    return name, edit_record(files, name, rng, lambda r, _: r.update({field: "XXX"}))


def duplicate_line(files, rng):
    name = rng.choice(["sentences.jsonl", "entities.jsonl"] + CLAIM_LAYERS)
    lines = files[name].splitlines()
    i = rng.randrange(len(lines))
    lines.insert(i + 1, lines[i])
    files[name] = "\n".join(lines) + "\n"
    return name, i + 2


def truncate_line(files, rng):
    name = rng.choice(list(SCHEMAS))
    lines = files[name].splitlines()
    i = rng.randrange(len(lines))
    lines[i] = lines[i][: rng.randrange(1, len(lines[i]) - 1)]
    files[name] = "\n".join(lines) + "\n"
    return name, i + 1


def change_document_text(files, rng):
    def change(doc, rng):
        j = rng.randrange(len(doc["text"]))
        doc["text"] = doc["text"][:j] + ("x" if doc["text"][j] != "x" else "y") + doc["text"][j + 1 :]

    return "documents.jsonl", edit_record(files, "documents.jsonl", rng, change)


def remove_note(files, rng):
    return "documents.jsonl", edit_record(
        files, "documents.jsonl", rng, lambda d, rng: d["footnotes"].pop(rng.randrange(len(d["footnotes"])))
    )


def remove_marker_of_note(files, rng):
    return "documents.jsonl", edit_record(
        files,
        "documents.jsonl",
        rng,
        lambda d, rng: d["footnotes"][rng.randrange(len(d["footnotes"]))]["markers"].clear(),
    )


MUTATIONS = [
    shift_offsets,
    alter_text,
    dangling_sentence,
    dangling_doc,
    dangling_entity,
    dangling_footnote,
    unknown_label,
    unknown_country,
    duplicate_line,
    truncate_line,
    change_document_text,
    remove_note,
    remove_marker_of_note,
]
N_PER_KIND = 16  # 13 kinds x 16 = 208 corrupted copies


def test_real_annotations_pass():
    assert validate_dir(ROOT / "annotations") == []


def test_validator_catches_every_mutation():
    base = real_files()
    missed = []
    for kind in MUTATIONS:
        rng = random.Random(f"{kind.__name__}")
        for k in range(N_PER_KIND):
            files = dict(base)
            name, line = kind(files, rng)
            found = validate_files(files)
            if not any(v.file == name and v.line == line for v in found):
                missed.append((kind.__name__, k, name, line, [str(v) for v in found[:3]]))
    assert missed == [], missed[:5]


def test_violation_lines_are_informative():
    files = real_files()
    line = edit_record(files, "claims.jsonl", random.Random(1), lambda r, _: r.update(stance="favor"))
    (v,) = [v for v in validate_files(files) if v.line == line]
    assert str(v).startswith(f"claims.jsonl:{line}: ") and "stance" in str(v) and "expected" in str(v)


def test_bad_lines_are_reported_by_number_and_reading_goes_on():
    files = real_files()
    lines = files["claims.jsonl"].splitlines()
    lines[2], lines[4] = "", lines[4][:-1]  # an empty line and a truncated object
    files["claims.jsonl"] = "\n".join(lines) + "\n"
    found = [str(v) for v in validate_files(files) if v.file == "claims.jsonl"]
    assert found == [
        "claims.jsonl:3: -: invalid JSON (Expecting value at column 1) (expected one JSON object per line)",
        f"claims.jsonl:5: -: invalid JSON (Expecting ',' delimiter at column {len(lines[4]) + 1}) "
        "(expected one JSON object per line)",
    ]
