"""Sentences that mention a country but carry no claim: candidates for a coder's second look.

.venv/bin/python scripts/unclaimed_mentions.py [annotations] [--gold]
"""

import sys

from pipeline import Corpus

path = next((a for a in sys.argv[1:] if not a.startswith("--")), "annotations")
layer = "gold" if "--gold" in sys.argv else "auto"
corpus = Corpus.load(path)
claimed = {c.sent_id for c in corpus.claims(layer)}
for doc in corpus.documents:
    for sentence in doc.sentences:
        countries = sorted({code for e in doc.entities_in(sentence) for code in e.countries})
        if countries and sentence.sent_id not in claimed:
            print(f"{sentence.sent_id}\t{','.join(countries)}\t{sentence.text}")
