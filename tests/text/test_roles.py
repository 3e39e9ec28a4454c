"""Roles on real transcripts: the bundled calls, multi-party calls, and --team in its forms."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from insightminer.cli import app
from insightminer.ingest.files import ingest_paths
from insightminer.schema import Transcript
from insightminer.text.roles import TeamError, assign_roles, load_team, parse_team, score_roles
from insightminer.text.segment import segment_transcript

FIXTURES = Path(__file__).resolve().parents[2] / "data" / "fixtures"
ROLE_CALLS = FIXTURES / "roles"


def _read(path: Path) -> Transcript:
    transcripts, records = ingest_paths([path])
    assert transcripts, records[0].reason
    return transcripts[0]


@pytest.fixture(scope="module")
def sample() -> dict[str, Transcript]:
    transcripts, _ = ingest_paths([FIXTURES / "interviews"])
    return {t.doc_id: t for t in transcripts}


def test_bundled_sales_calls_and_interviews_keep_their_roles(sample):
    expected = {
        "sales01_vertex_manufacturing": {
            "Jordan Hale": "interviewer",
            "Raj Mehta": "customer",
            "Zoë Fischer": "customer",
        },
        "sales02_pinecrest_solar": {
            "Amy Chen": "customer",
            "Kendra Walsh": "interviewer",
            "Luis Romero": "customer",
        },
        "sales03_orchard_foods": {
            "AE": "interviewer",
            "Beth Sullivan": "customer",
            "Carlos Mendes": "customer",
        },
        "sales04_helios_pharma": {
            "Anika Patel": "customer",
            "Felix Gruber": "customer",
            "Rep": "interviewer",
        },
        "int03_lumen_analytics": {
            "Derek Osei": "customer",
            "Hannah Cole": "customer",
            "Tom Becker": "interviewer",
        },
        "int04_atlas_insurance": {
            "Ben Torres": "customer",
            "Grace Whitfield": "customer",
            "Priya (Relay)": "interviewer",
        },
        "int07_tidewater_hvac": {"SPEAKER_00": "customer", "SPEAKER_01": "interviewer"},
        "int08_quantia_telecom": {"Olivia Grant": "customer", "Sam Okafor": "interviewer"},
    }
    for doc_id, roles in expected.items():
        t = Transcript.from_dict(sample[doc_id].to_dict())
        assert assign_roles(t) == roles, doc_id


def _labels() -> dict:
    return json.loads((ROLE_CALLS / "labels.json").read_text(encoding="utf-8"))["calls"]


@pytest.mark.parametrize("rel", sorted(_labels()))
def test_every_labelled_multi_party_call_without_and_with_team(rel, tmp_path):
    info = _labels()[rel]
    call = _read(ROLE_CALLS / rel)
    assert assign_roles(Transcript.from_dict(call.to_dict())) == info["roles"]
    team_file = tmp_path / "team.txt"
    team_file.write_text("\n".join(info["team"]) + "\n", encoding="utf-8")
    assert assign_roles(Transcript.from_dict(call.to_dict()), team=load_team(team_file)) == info["roles"]


def test_solutions_engineer_pitch_is_never_customer_evidence():
    call = _read(ROLE_CALLS / "dev" / "dev01_ledgerly_ap_automation.txt")
    statements = segment_transcript(call)
    speakers = {s.speaker for s in statements}
    assert speakers == {"Priscilla Owens", "Tom Hargreaves"}
    texts = " ".join(s.text for s in statements)
    assert "burned by sync tools" not in texts and "Our platform" not in texts
    # the customer's own account of the same pain is evidence
    assert any("posted the same bill twice" in s.text for s in statements)


def test_team_names_every_seller_even_when_the_heuristic_would_not():
    # A second rep who only asks discovery-free small talk: the heuristic alone cannot tell,
    # the team list can (first name + last initial, accents and case ignored).
    t = Transcript.from_dict(
        {
            "doc_id": "d",
            "source": "memory",
            "utterances": [
                {"speaker": "Zoe Brandt", "text": "Thanks for joining. How do you run payroll today?"},
                {
                    "speaker": "Léa Martin",
                    "text": "We export hours to a spreadsheet and re-key them every week.",
                },
                {
                    "speaker": "Élodie Roy",
                    "text": "I had to fix forty wrong payslips last month, it was awful.",
                },
                {
                    "speaker": "Marc Petit",
                    "text": "I had the same thing at my last job, it was awful for us too.",
                },
            ],
        }
    )
    plain = score_roles(Transcript.from_dict(t.to_dict()))
    assert plain["Marc Petit"].role == "customer"  # nothing in his words says seller
    team = parse_team(["zoe brandt", "Marc P."])
    decided = score_roles(t, team=team)
    assert decided["Marc Petit"].role == "interviewer" and decided["Marc Petit"].source == "team"
    assert decided["Léa Martin"].role == "customer" and decided["Élodie Roy"].role == "customer"


def test_team_file_forms(tmp_path):
    names = tmp_path / "team.txt"
    names.write_text("# our people\nDana Wu\n\nKen I.\n", encoding="utf-8")
    team = load_team(names)
    assert team.match("Dana (Relay)") and team.match("dana wu - Relay") and team.match("Ken Ito")
    assert team.match("DANA WU") and not team.match("Dana Smith") and not team.match("Ken Adams")
    table = tmp_path / "team.csv"
    table.write_text(
        "name,email,role\nJosé Núñez,jose@carepath.io,SE\n,ana@carepath.io,AE\n", encoding="utf-8"
    )
    team = load_team(table)
    assert team.match("Jose Nunez").role == "SE"
    assert team.match("ana@carepath.io") and team.match("Ana <ana@carepath.io>")
    assert team.orgs == {"carepath"}
    empty = tmp_path / "empty.txt"
    empty.write_text("# nobody\n", encoding="utf-8")
    with pytest.raises(TeamError):
        load_team(empty)
    with pytest.raises(TeamError):
        load_team(tmp_path / "missing.txt")


def test_labels_and_overrides_still_win(sample):
    t = Transcript.from_dict(sample["sales04_helios_pharma"].to_dict())
    # an override beats the label, and a team member named as customer stays customer
    roles = assign_roles(t, customer_speakers=["Rep"], team=parse_team(["Felix Gruber"]))
    assert roles["Rep"] == "customer" and roles["Felix Gruber"] == "interviewer"


def test_cli_run_help_and_ingest_take_team(tmp_path):
    runner = CliRunner()
    assert "--team" in runner.invoke(app, ["run", "--help"]).output
    team = tmp_path / "team.txt"
    team.write_text("Omar Haddad\n", encoding="utf-8")
    out = tmp_path / "out"
    call = ROLE_CALLS / "dev" / "dev03_brightline_suffix_labels.txt"
    result = runner.invoke(app, ["ingest", str(call), "--out", str(out), "--team", str(team)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "dev03_brightline_suffix_labels.json").read_text(encoding="utf-8"))
    roles = {u["speaker"]: u["role"] for u in data["utterances"]}
    assert roles["Lena Fox (Brightline)"] == "interviewer" and roles["Rita Song (Acme Freight)"] == "customer"
    bad = runner.invoke(app, ["ingest", str(call), "--out", str(out), "--team", str(tmp_path / "nope.txt")])
    assert bad.exit_code != 0 and "not found" in bad.output


def test_a_suffix_every_speaker_shares_does_not_make_one_side():
    call = _read(ROLE_CALLS / "dev" / "dev01_ledgerly_ap_automation.txt")
    data = call.to_dict()
    for u in data["utterances"]:
        u["speaker"] = f"{u['speaker']} (Zoom)"
    roles = assign_roles(Transcript.from_dict(data))
    assert roles["Dana Wu (Zoom)"] == roles["Marcus Reed (Zoom)"] == "interviewer"
    assert roles["Priscilla Owens (Zoom)"] == roles["Tom Hargreaves (Zoom)"] == "customer"
    # a team member with a webmail address does not pull everyone at gmail onto the team
    team = parse_team(["Marcus Reed <marcus.reed@gmail.com>"])
    assert team.orgs == set()


STUDIES = FIXTURES / "studies"


@pytest.mark.skipif(
    not (STUDIES / "clinic-scheduling").is_dir(), reason="clinic-scheduling study not present"
)
@pytest.mark.parametrize("with_team", [False, True])
def test_no_seller_is_a_customer_in_the_clinic_study(with_team):
    study = STUDIES / "clinic-scheduling"
    truth = json.loads((study / "truth.json").read_text(encoding="utf-8"))
    team = load_team(study / "team.txt") if with_team else None
    transcripts, _ = ingest_paths([study / "interviews"])
    for t in transcripts:
        roles = assign_roles(t, team=team)
        for speaker in truth["team"].get(t.doc_id, []):
            assert roles[speaker] == "interviewer", (t.doc_id, speaker)
        for speaker in truth["customers"].get(t.doc_id, []):
            assert roles[speaker] == "customer", (t.doc_id, speaker)
