"""Every claim with Kazakhstan as actor, with the footnotes that back it.

.venv/bin/python scripts/kazakh_claims.py [annotations] [--gold]
"""

import sys

from pipeline import Corpus

path = next((a for a in sys.argv[1:] if not a.startswith("--")), "annotations")
layer = "gold" if "--gold" in sys.argv else "auto"
corpus = Corpus.load(path)
for claim in corpus.claims(layer, actor="KAZ"):
    doc = corpus.document(claim.doc_id)
    notes = [f"[{label}] {doc.footnote(label)['text']}" for label in claim.footnotes]
    print(f"KAZ -> {claim.target} {claim.stance:8s} {claim.topic:11s} {claim.text}")
    for note in notes:
        print(f"    {note}")
