"""Rules that only statements have: the speaking state's positions implied by what it reports,
demands and calls for (GUIDELINES §7). Each module registers its rules in
``pipeline.registry.statement_rules``; the ``claim_rules`` component runs those its
``statement_rules`` setting lists, in that order, for a Doc with ``doc._.speaker`` set.

- **Accusations** (§7.4): a speaker that reports, in its own voice, another state's act against a
  state ("Russia is destroying Ukrainian cities", "Russia's invasion of Ukraine") or any act
  against itself opposes the doer. Reported speech ("Russia claims that …") is left out.
- **Demands** (§4.2, §7.3): "Russia must withdraw its troops", "the aggressor must be held
  accountable": a demand on one party is opposition to it.
- **Calls on both parties** (§4.3): "we call on both sides to negotiate", in a sentence about the
  war or right after one, is neutral toward the party to the war.
- **Calls for peace** (§4.3): backing talks, a settlement or a ceasefire in a sentence that names a
  party to the war is neutral toward the war party.
"""
