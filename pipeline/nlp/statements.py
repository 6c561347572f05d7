"""Rows that only a statement has: the speaking state's positions implied by what it reports,
demands and calls for (GUIDELINES §7). ``claim_rules`` calls these for a Doc with
``doc._.speaker`` set; each function takes the rules (for their lexicon and parse helpers), a
sentence and the speaker's code, and returns plain row dicts.

- **Accusations** (§7.4): a speaker that reports, in its own voice, another state's act against a
  state ("Russia is destroying Ukrainian cities", "Russia's invasion of Ukraine") or any act
  against itself opposes the doer. Reported speech ("Russia claims that …") is left out.
- **Demands** (§4.2, §7.3): "Russia must withdraw its troops", "the aggressor must be held
  accountable": a demand on one party is opposition to it.
- **Calls on both parties** (§4.3): "we call on both sides to negotiate", in a sentence about the
  war or right after one, is neutral toward the party to the war.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional

from spacy.tokens import Span, Token

if TYPE_CHECKING:
    from pipeline.nlp.claims import ClaimRules


def row(actor: str, target: str, stance: str, cue: Token, topic: str, mentions: Iterable = ()) -> dict:
    return {
        "actor": actor,
        "actor_mentions": [],
        "target": target,
        "target_mentions": [m for m in mentions if m is not None],
        "stance": stance,
        "topic": topic,
        "confidence": 0.5,
        "cue": cue.text,
        "negated": False,
    }


def reported(rules: "ClaimRules", token: Token) -> bool:
    """Is ``token`` inside a clause of saying whose subject is not the speaker ("Russia claims
    that …", "they say …"), or inside another subject's position ("Bulgaria has condemned the
    aggression …")? The speaker's own "we believe that …" is its own account."""
    for up in token.ancestors:
        saying = up.lemma_.lower() in rules.lex.speech_verbs
        if not saying and not (up.pos_ == "VERB" and rules._cue_for(up) is not None):
            continue
        subject = next((c for c in up.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            if saying:
                return True
            continue
        if not rules._first_person(subject):
            return True
    return False


def accusations(rules: "ClaimRules", acts: list[tuple[Token, dict]], speaker: str) -> list[dict]:
    """``acts``: the sentence's oppose rows with the cue token that made each. The speaker opposes
    the doer of an act it reports, when the act is one of ``accusation_acts`` or is against the
    speaker itself."""
    out = []
    for cue, act in acts:
        doer = act["actor"]
        if act["stance"] != "oppose" or doer == speaker or act.get("negated"):
            continue
        if act["target"] != speaker and cue.lemma_.lower() not in rules.lex.accusation_acts:
            continue
        if reported(rules, cue):
            continue
        out.append(row(speaker, doer, "oppose", cue, act["topic"], act["actor_mentions"]))
    return out


def war_party_noun(rules: "ClaimRules", token: Token) -> bool:
    """ "the aggressor", "the occupier": the party to the war, in a sentence of a statement."""
    return token.lemma_.lower() in rules.lex.war_party_nouns and any(c.lower_ == "the" for c in token.children)


def _modal(rules: "ClaimRules", verb: Token) -> bool:
    """ "must withdraw", "should pay", "has to be held accountable", "needs to end"."""
    if any(c.dep_ == "aux" and c.lower_ in rules.lex.demand_modals for c in verb.children):
        return True
    head = verb.head
    return (
        verb.dep_ == "xcomp"
        and head.lemma_ in ("have", "need")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    )


def demands(rules: "ClaimRules", sent: Span, tok2ent: dict, speaker: str) -> list[dict]:
    out = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX") or not _modal(rules, verb):
            continue
        # "be held accountable", "bear responsibility", "withdraw", "pay for this war"
        words = {verb.lemma_.lower()} | {
            t.lemma_.lower() for c in verb.children if c.dep_ in ("oprd", "acomp", "dobj", "attr") for t in c.subtree
        }
        if not words & rules.lex.demand_verbs:
            continue
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None and verb.dep_ == "xcomp":
            subject = next((c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None:
            continue
        targets = _named_or_war_party(rules, subject, tok2ent)
        for code, mention in targets:
            if code != speaker:
                out.append(row(speaker, code, "oppose", verb, "diplomacy", [mention]))
    return out


def _named_or_war_party(rules: "ClaimRules", subject: Token, tok2ent: dict) -> list[tuple[str, Optional[tuple]]]:
    """The states a demand's subject names: one state (not a group: "all States must respect"),
    or the party to the war for "the aggressor"."""
    found = rules._countries_in(
        [t for t in subject.subtree if not any(a.dep_ == "prep" and a in subject.subtree for a in t.ancestors)],
        tok2ent,
    )
    codes = {c for _, e in found for c in e["countries"]}
    if len(codes) == 1 and all(e["kb_type"] != "group" for _, e in found):
        return [(next(iter(codes)), found[0][1]["key"])]
    if not found and war_party_noun(rules, subject):
        return [(rules.war_party, None)]
    return []


def _names(rules: "ClaimRules", subject: Token, tok2ent: dict) -> set:
    return {c for _, e in rules._countries_in(subject.subtree, tok2ent) for c in e["countries"]}


def _about_the_war(rules: "ClaimRules", sent: Span, tok2ent: dict) -> bool:
    codes = {c for t in sent for c in (tok2ent.get(t.i) or {}).get("countries", [])}
    if rules.war_party in codes or "UKR" in codes:
        return True
    return any(war_party_noun(rules, t) for t in sent)


def calls_on_parties(rules: "ClaimRules", sent: Span, tok2ent: dict, speaker: str) -> list[dict]:
    """ "We call on both sides / all parties to …" a ceasefire, talks or an end to the conflict: one
    neutral row toward the party to the war, when this sentence or the one before is about it."""
    if speaker == rules.war_party:
        return []
    for verb in sent:
        if verb.lemma_.lower() not in rules.lex.call_verbs or verb.pos_ != "VERB":
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None or not (rules._first_person(subject) or _names(rules, subject, tok2ent) == {speaker}):
            continue
        scope = list(verb.subtree)
        parties = [
            t
            for t in scope
            if t.lemma_.lower() in rules.lex.party_words
            and t.tag_ == "NNS"
            and any(c.lower_ in rules.lex.all_determiners for c in t.children)
        ]
        if not parties or not any(t.lemma_.lower() in rules.lex.peace_words for t in scope):
            continue
        before = sent.doc[sent.start - 1].sent if sent.start > 0 else None
        if _about_the_war(rules, sent, tok2ent) or (before is not None and _about_the_war(rules, before, tok2ent)):
            return [row(speaker, rules.war_party, "neutral", verb, "diplomacy")]
    return []


def calls_for_peace(rules: "ClaimRules", sent: Span, tok2ent: dict, speaker: str, taken: set) -> list[dict]:
    """ "Tonga continues to urge a peaceful resolution of the conflict", "we support the efforts of
    mediation between Russia and Ukraine": the speaker backs talks, a settlement or a ceasefire in a
    sentence that names a party to the war, and takes no side in it: one neutral row toward the war
    party (GUIDELINES §4.3). ``taken``: the states the speaker already has a row toward here."""
    if speaker in (rules.war_party, rules.war_victim) or taken & {rules.war_party, rules.war_victim}:
        return []
    parties = {rules.war_party, rules.war_victim}
    named = {c for t in sent if (e := tok2ent.get(t.i)) and e["kb_type"] != "group" for c in e["countries"]}
    if not named & parties:
        return []  # a group with a party in it ("the permanent members") is not the war
    for verb in sent:
        if verb.pos_ != "VERB" or verb.lemma_.lower() not in rules.lex.peace_backing_verbs:
            continue
        subject = rules._subject(verb)
        if subject is None or not (rules._first_person(subject) or _names(rules, subject, tok2ent) == {speaker}):
            continue
        if reported(rules, verb):
            continue
        if any(t.lemma_.lower() in rules.lex.border_words for t in verb.subtree):
            continue  # "peace based on the territorial integrity of Ukraine" takes a side
        addressed = {
            c
            for child in verb.children
            if child.dep_ == "dobj" or (child.dep_ == "prep" and child.lower_ == "on")
            for c in _names(rules, child, tok2ent)
        }
        if addressed - parties:
            continue  # "call on the United States and the Russian Federation to continue their dialogue"
        if addressed == {rules.war_party}:  # a call on Russia alone is a demand (GUIDELINES §4.3)
            return [row(speaker, rules.war_party, "oppose", verb, "diplomacy")]
        for t in verb.subtree:
            lemma = t.lemma_.lower()
            if lemma not in rules.lex.peace_process_words:
                continue
            if lemma == "resolution" and not any(
                c.lower_ in ("peaceful", "political", "diplomatic") for c in t.children
            ):
                continue  # a General Assembly resolution is no peace process
            if any(c.dep_ == "poss" and c.i in tok2ent for c in t.children):
                continue  # "Ukraine's peace formula" is a side's plan
            return [row(speaker, rules.war_party, "neutral", verb, "diplomacy")]
    return []
