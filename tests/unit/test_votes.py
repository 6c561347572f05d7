"""validate-votes on a hand-made layer and vote table: net stance per statement, the counts per
session, the goals and the disagreeing states with their sentences."""

import json

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.errors import InputError
from pipeline.io import write_jsonl, write_text
from pipeline.quality.votes import net_stance, read_votes, validate_votes
from pipeline.settings import DATA_DIR

VOTES = """resolution,date,iso3,country,vote,conflict
A/RES/ES-11/4,2022-10-12,FRA,France,yes,russia_ukraine
A/RES/ES-11/4,2022-10-12,CUB,Cuba,abstain,russia_ukraine
A/RES/ES-11/4,2022-10-12,IND,India,abstain,russia_ukraine
A/RES/ES-11/4,2022-10-12,KAZ,Kazakhstan,abstain,russia_ukraine
A/RES/ES-11/4,2022-10-12,BRA,Brazil,yes,russia_ukraine
A/RES/ES-11/6,2023-02-23,NIC,Nicaragua,yes,russia_ukraine
A/RES/ES-11/6,2023-02-23,SRB,Serbia,yes,russia_ukraine
A/RES/ES-11/6,2023-02-23,FRA,France,yes,russia_ukraine
"""

# doc -> [(sentence text, [(actor, target, stance), ...]), ...]
LAYER = {
    "FRA_77_2022": [
        ("France condemns Russia.", [("FRA", "RUS", "oppose")]),
        ("Russia must leave.", [("FRA", "RUS", "oppose"), ("UKR", "RUS", "support")]),
        ("We back Ukraine.", [("FRA", "UKR", "support")]),
    ],
    "CUB_77_2022": [("Cuba stands with Russia.", [("CUB", "RUS", "support")])],
    "IND_77_2022": [
        ("We regret the annexation by Russia.", [("IND", "RUS", "oppose")]),
        ("India values its friendship with Russia.", [("IND", "RUS", "support")]),
    ],
    "KAZ_77_2022": [("Kazakhstan does not recognise the Russian referendums.", [("KAZ", "RUS", "oppose")])],
    "BRA_77_2022": [("Brazil calls on Russia and Ukraine to talk.", [("BRA", "RUS", "neutral")])],
    "EU_77_2022": [("The Union condemns Russia.", [("EU", "RUS", "oppose")])],
    "NIC_78_2023": [
        ("Nicaragua salutes Russia.", [("NIC", "RUS", "support"), ("NIC", "RUS", "support")]),
        ("Russia was provoked.", [("NIC", "RUS", "support")]),
        ("Russia should talk.", [("NIC", "RUS", "oppose")]),
    ],
    "SRB_78_2023": [("Serbia wants peace.", [])],
}


def write_layer(folder):
    docs, sents, claims = [], [], []
    for doc, items in LAYER.items():
        text = " ".join(t for t, _ in items)
        docs.append({"doc_id": doc, "text": text})
        for i, (t, rows) in enumerate(items):
            sid = f"{doc}:s{i}"
            start = text.index(t)
            sents.append({"doc_id": doc, "sent_id": sid, "start": start, "end": start + len(t), "text": t})
            claims += [{"doc_id": doc, "sent_id": sid, "actor": a, "target": tg, "stance": st} for a, tg, st in rows]
    write_jsonl(folder / "ungd" / "documents.jsonl", docs)
    write_jsonl(folder / "ungd" / "sentences.jsonl", sents)
    write_jsonl(folder / "ungd" / "claims.jsonl", claims)


@pytest.fixture()
def setup(tmp_path):
    write_layer(tmp_path / "ann")
    write_text(tmp_path / "corpus" / "ungd" / "unga_votes.csv", VOTES)
    return tmp_path


@pytest.mark.parametrize(
    "counts,net",
    [
        ({"oppose": 2, "neutral": 5}, "oppose"),
        ({"support": 2, "oppose": 1}, "support"),
        ({"support": 1, "oppose": 1}, "mixed"),
        ({"neutral": 1}, "neutral"),
        ({}, "none"),
    ],
)
def test_net_stance(counts, net):
    assert net_stance(counts) == net


def test_counts_goals_and_disagreements_on_the_automatic_layer(setup):
    text, fig = validate_votes("auto", setup / "ann", setup / "gold", setup / "corpus")
    s77, s78 = fig["sessions"]
    assert fig["statements"] == 8
    assert (s77["resolution"], s77["statements"], s77["without_vote"]) == ("A/RES/ES-11/4", 6, ["EU_77_2022"])
    assert (s77["against"], s77["against_voted_yes"], s77["against_yes_share"]) == (2, 1, 0.5)
    assert (s77["russia_side"], s77["russia_side_not_yes"], s77["russia_side_not_yes_share"]) == (1, 1, 1.0)
    assert s77["net_by_vote"]["oppose"] == {"yes": 1, "no": 0, "abstain": 1, "absent": 0}
    assert s77["net_by_vote"]["mixed"]["abstain"] == 1 and s77["net_by_vote"]["neutral"]["yes"] == 1
    assert [d["doc_id"] for d in s77["disagreeing"]] == ["KAZ_77_2022"]
    assert list(s77["goals"].values()) == [False, False, True]

    assert (s78["against"], s78["against_yes_share"], s78["russia_side"], s78["russia_side_not_yes"]) == (0, None, 1, 0)
    nic = s78["disagreeing"][0]
    assert (nic["speaker"], nic["net"], nic["vote"], nic["counts"]) == (
        "NIC",
        "support",
        "yes",
        {"support": 3, "oppose": 1},
    )
    # The repeated row of one sentence is listed once.
    assert nic["sentences"] == [
        {"stance": "support", "text": "Nicaragua salutes Russia."},
        {"stance": "support", "text": "Russia was provoked."},
        {"stance": "oppose", "text": "Russia should talk."},
    ]
    assert (
        "- KAZ (Kazakhstan): shown oppose (oppose 1), voted abstain\n"
        "    KAZ_77_2022 [oppose] Kazakhstan does not recognise the Russian referendums." in text
    )
    assert "shown against RUS: 2 states; voted yes: 1 (50.0%)" in text
    assert "goal: at least 50 states shown against RUS: does not hold" in text


def test_gold_layer_reads_sentences_from_the_statement_files(setup):
    gold = setup / "gold"
    write_text(
        setup / "corpus" / "ungd" / "session77_2022" / "KAZ_77_2022.txt",
        "Opening words.\nWe thank everyone. Kazakhstan rejects the Russian referendums.\n",
    )
    write_text(setup / "corpus" / "ungd" / "session77_2022" / "CUB_77_2022.txt", "Nothing about the war.\n")
    write_text(gold / "sample.csv", "doc_id,split\nKAZ_77_2022,dev\nCUB_77_2022,eval\n")
    write_jsonl(
        gold / "claims.jsonl",
        [
            {
                "doc_id": "KAZ_77_2022",
                "line": 2,
                "start": 19,
                "end": 62,
                "actor": "KAZ",
                "target": "RUS",
                "stance": "oppose",
            }
        ],
    )
    text, fig = validate_votes("gold", setup / "ann", gold, setup / "corpus")
    (s77,) = fig["sessions"]
    assert (fig["statements"], s77["against"], s77["against_voted_yes"]) == (2, 1, 0)
    assert s77["net_by_vote"]["none"]["abstain"] == 1 and "goals" not in s77
    assert s77["disagreeing"][0]["sentences"] == [
        {"stance": "oppose", "text": "Kazakhstan rejects the Russian referendums."}
    ]
    assert "only the 2 sampled statements" in text

    # --sample-only restricts the automatic layer to the sampled statements and judges no goal.
    _, fig = validate_votes("auto", setup / "ann", gold, setup / "corpus", sample_only=True)
    assert fig["statements"] == 2 and "goals" not in fig["sessions"][0]


def test_cli_and_bad_input(setup):
    out = setup / "v.json"
    result = CliRunner().invoke(
        app,
        ["validate-votes", "--annotations", str(setup / "ann"), "--corpus", str(setup / "corpus"), "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text())["sessions"][0]["against"] == 2
    write_text(setup / "corpus" / "ungd" / "unga_votes.csv", VOTES.replace("FRA,France,yes", "FRA,France,maybe", 1))
    with pytest.raises(InputError, match="line 2: vote must be one of"):
        validate_votes("auto", setup / "ann", setup / "gold", setup / "corpus")
    write_text(setup / "corpus" / "ungd" / "unga_votes.csv", VOTES.replace("yes,russia_ukraine", "yes,crimea", 1))
    with pytest.raises(InputError, match="line 2: conflict 'crimea' is no id of the conflicts file"):
        validate_votes("auto", setup / "ann", setup / "gold", setup / "corpus")
    write_text(setup / "corpus" / "ungd" / "unga_votes.csv", VOTES.replace(",conflict\n", "\n", 1))
    with pytest.raises(InputError, match=r"missing column\(s\) conflict"):
        validate_votes("auto", setup / "ann", setup / "gold", setup / "corpus")
    result = CliRunner().invoke(
        app,
        ["validate-votes", "--layer", "silver", "--annotations", str(setup / "ann"), "--corpus", str(setup / "corpus")],
    )
    assert result.exit_code == 1


def test_the_vote_table_names_each_resolutions_conflict():
    votes = read_votes(DATA_DIR.parents[1] / "corpus" / "ungd" / "unga_votes.csv")
    conflicts = {res: sorted({v["conflict"] for v in table.values()}) for res, table in votes.items()}
    assert conflicts == {r: ["russia_ukraine"] for r in ("A/RES/ES-11/1", "A/RES/ES-11/4", "A/RES/ES-11/6")}
    assert [len(table) for table in votes.values()] == [193, 193, 193]
