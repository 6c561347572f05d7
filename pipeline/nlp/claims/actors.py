"""Actor resolution: who holds a position. The cue's subject (or passive agent), the speaker of
a statement for "we", a pronoun's antecedent, the rest of a group, the subject of reported speech."""

from __future__ import annotations

from typing import Optional

from spacy.tokens import Span, Token

from pipeline.nlp.claims.doc_words import DocWords
from pipeline.nlp.claims.parse import Parse, countries_in
from pipeline.nlp.lexicon import Lexicon


class Actors:
    def __init__(self, parse: Parse, lexicon: Lexicon):
        self.parse = parse
        self.labels = parse.labels
        self.lex = lexicon

    def first_person(self, token: Token) -> bool:
        """'we', 'I', 'us', 'my country', 'our Government', 'my delegation' (GUIDELINES §7.1)."""
        words = [t.lower_ for t in token.subtree] if token.pos_ != "PRON" else [token.lower_]
        if token.pos_ == "PRON":
            return words[0] in self.lex.first_person
        return (
            len(words) <= 3
            and bool(set(words) & self.lex.first_person_determiners)
            and token.lemma_.lower() in self.lex.speaker_nouns
        )

    def actor(self, cue: Token, tok2ent: dict, last_actor, speaker=None):
        """(subject token, actor mentions, how found) for the cue."""
        subject = self.parse.subject(cue)
        if subject is None:
            return subject, [], None
        found = self._named(subject, tok2ent)
        if found:
            return subject, found, "subject"
        # Reported speech: "Kamilov stated that his country recognises ..."; only when the
        # reported subject refers back to the speaker ("his country", "it"): a clause with a
        # subject of its own ("Moscow claimed that the West armed Kyiv") is not the speaker's.
        verb = next((v for v in self.parse.chain_up(cue) if v.dep_ == self.labels.ccomp), None)
        refers_back = subject.pos_ == "PRON" or subject.lemma_.lower() in self.lex.state_nouns | self.lex.speaker_nouns
        if verb is not None and refers_back:
            outer = self.parse.subject(verb.head)
            if outer is not None and (found := countries_in(outer.subtree, tok2ent)):
                return subject, found, "reported"
        if speaker and self.first_person(subject):
            return subject, speaker, "speaker"
        if subject.lemma_.lower() in self.lex.rest_words or subject.lower_ in self.lex.rest_words:
            rest = self.rest_of_group(subject, tok2ent)
            if rest:
                return subject, rest, "subject"
        resolved = self.resolve_pronoun(subject, tok2ent, last_actor)
        if resolved:
            return subject, resolved, "pronoun"
        return subject, [], None

    def _named(self, subject: Token, tok2ent: dict) -> list:
        """The states the subject names, outside its prepositional modifiers (but "the Government
        of X" names X)."""
        subtree = list(subject.subtree)
        inside = {t.i for t in subtree}
        core = [
            t
            for t in subtree
            if not any(a.dep_ == self.labels.prep and a.i in inside and a.i != subject.i for a in t.ancestors)
        ]
        found = countries_in(core, tok2ent)
        if not found and subject.lemma_.lower() in self.lex.state_nouns:
            found = countries_in(subject.subtree, tok2ent)
        singles = [f for f in found if f[1]["kb_type"] != "group"]
        if len(singles) >= 2:  # "Three Central Asian countries — Kazakhstan, Kyrgyzstan, Tajikistan"
            found = singles
        return found

    def rest_of_group(self, subject: Token, tok2ent: dict) -> list:
        """ "The rest voted against": the members of the group the sentence names, less the states it
        names on their own ("Of the five Central Asian states, Kazakhstan abstained; the rest …")."""
        found = countries_in(subject.sent, tok2ent)
        groups = [e for _, e in found if e["kb_type"] == "group"]
        named = {c for _, e in found if e["kb_type"] != "group" for c in e["countries"]}
        members = sorted({c for g in groups for c in g["countries"]} - named)
        if not members:
            return []
        rest = {"key": groups[0]["key"], "countries": members, "kb_type": "group", "label": "NORP"}
        return [(None, {**rest, "entry": groups[0].get("entry")})]

    def resolve_pronoun(self, subject: Token, tok2ent: dict, last_actor):
        """'it'/'the country' -> one country, 'they' -> a group or several, 'he' -> a person's
        country: the nearest earlier subject in the sentence, else the last named actor."""
        words = {t.lower_ for t in subject.subtree} if subject.pos_ != "PRON" else {subject.lower_}
        if words & self.lex.singular_pronouns and len(words) <= 3:
            fits = lambda found: (
                len({c for _, e in found for c in e["countries"]}) == 1 and found[0][1]["label"] != "PERSON"
            )
        elif words & self.lex.plural_pronouns and len(words) <= 2:
            fits = lambda found: len({c for _, e in found for c in e["countries"]}) > 1
        elif words & self.lex.person_pronouns and len(words) <= 2:
            fits = lambda found: found[0][1]["label"] == "PERSON"
        else:
            return []
        earlier = [t for t in subject.sent if t.i < subject.i and t.dep_ in self.labels.subjects]
        for t in reversed(earlier):
            found = countries_in(t.subtree, tok2ent)
            if found and fits(found):
                return found
        return last_actor if last_actor and fits(last_actor) else []

    def next_actor(self, sent: Span, tok2ent: dict, last_actor: Optional[list], words: DocWords):
        """The last named actor, for pronoun subjects in later sentences."""
        # The main clause's subject, else the first subject that names a country (the root can
        # sit in a parenthesis: "X supplies Y (this is relevant for A)").
        if not any(i in tok2ent for i in range(sent.start, sent.end)):
            return last_actor  # no mention in the sentence: no new actor (and no Token built)
        subjects = self.labels.subjects
        doc = sent.doc
        candidates = [t for t in sent.root.children if t.dep_ in subjects]
        candidates += [doc[i] for i in range(sent.start, sent.end) if words.deps[i] in subjects]
        found = next((f for t in candidates if (f := countries_in(t.subtree, tok2ent))), None)
        if found:
            return found
        if (found := countries_in(sent, tok2ent)) and len(found) == 1 and len(sent) <= 3:
            return found  # a heading naming a country opens its section
        return last_actor
