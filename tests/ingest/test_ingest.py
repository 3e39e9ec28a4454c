"""Ingest stage: every supported format read into Transcripts, metadata merged, every input accounted for."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from insightminer.config import IngestOptions
from insightminer.ingest.files import (
    AUDIO_DISABLED_REASON,
    AUDIO_EXTENSIONS,
    TRANSCRIPT_EXTENSIONS,
    IngestError,
    ingest_paths,
    load_metadata,
    read_transcripts,
)
from insightminer.schema import InputRecord, Transcript, Utterance


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def read_one(path: Path, **kwargs) -> Transcript:
    found = read_transcripts(path, **kwargs)
    assert len(found) == 1
    return found[0]


def turns(t: Transcript) -> list[tuple[str, str]]:
    return [(u.speaker, u.text) for u in t.utterances]


def test_extension_sets():
    assert TRANSCRIPT_EXTENSIONS == {
        ".txt", ".vtt", ".srt", ".json", ".jsonl", ".csv", ".tsv", ".docx", ".md"
    }  # fmt: skip
    assert {".wav", ".mp3", ".m4a", ".mp4", ".mov", ".flac"} <= AUDIO_EXTENSIONS
    assert not TRANSCRIPT_EXTENSIONS & AUDIO_EXTENSIONS
    # One list for ingest and the transcriber (a second copy once lacked .mov).
    from insightminer.speech import audio

    assert AUDIO_EXTENSIONS is audio.AUDIO_EXTENSIONS


# ---------------------------------------------------------------- plain text


def test_plain_labels_with_continuation_and_colon_sentences(tmp_path):
    path = write(
        tmp_path / "acme.txt",
        "Interview with Acme Corp\n"
        "Segment: Enterprise\n"
        "Date: 2026-01-14\n\n"
        "Interviewer: Thanks for joining.   What slows you down?\n"
        "Maria Lopez: Honestly, the reporting.\n"
        "The problem is: every Monday I rebuild the same spreadsheet.\n"
        "\n"
        "Note: it takes about three hours.\n"
        "Interviewer: How do you work around it today?\n"
        "Maria Lopez: We export to CSV. See https://example.com for the template.\n",
    )
    t = read_one(path)
    assert t.doc_id == "acme" and t.source_format == "txt" and t.source == str(path)
    assert t.encoding == "utf-8"
    assert turns(t) == [
        ("Interviewer", "Thanks for joining. What slows you down?"),
        (
            "Maria Lopez",
            "Honestly, the reporting. The problem is: every Monday I rebuild the same spreadsheet. "
            "Note: it takes about three hours.",
        ),
        ("Interviewer", "How do you work around it today?"),
        ("Maria Lopez", "We export to CSV. See https://example.com for the template."),
    ]
    assert all(u.role == "unknown" and u.start is None for u in t.utterances)
    # "Key: value" header lines before the first label become metadata; the title line is reported.
    assert t.metadata == {"segment": "Enterprise", "date": "2026-01-14"}
    assert any("ignored 1 line(s) before the first speaker label" in n for n in t.notes)


def test_q_and_a_labels(tmp_path):
    t = read_one(
        write(tmp_path / "qa.txt", "Q: What do you do?\nA: I run sales ops.\nQ: And the pain?\nA: Forecasts.")
    )
    assert turns(t) == [
        ("Q", "What do you do?"),
        ("A", "I run sales ops."),
        ("Q", "And the pain?"),
        ("A", "Forecasts."),
    ]


def test_name_with_timestamp_sets_start_and_end(tmp_path):
    t = read_one(
        write(
            tmp_path / "ts.txt",
            "Tom Becker (00:00:01): Hi both.\nHannah Cole (00:00:11): Sure.\n"
            "  More from Hannah.\nTom Becker (01:05): Ok.",
        )
    )
    assert [(u.speaker, u.start, u.end) for u in t.utterances] == [
        ("Tom Becker", 1.0, 11.0),
        ("Hannah Cole", 11.0, 65.0),
        ("Tom Becker", 65.0, None),
    ]
    assert t.utterances[1].text == "Sure. More from Hannah."


@pytest.mark.parametrize(
    "text",
    [
        "[00:00:01] Jordan Hale: Hi there.\n[00:00:07] Zoe Fischer: Loud and clear.\n"
        "[00:01:02.5] Jordan Hale: Great.",
        "00:00:01 Jordan Hale: Hi there.\n00:00:07 Zoe Fischer: Loud and clear.\n"
        "00:01:02.5 Jordan Hale: Great.",
        "**Jordan Hale (00:00:01):** Hi there.\n**Zoe Fischer (00:00:07):** Loud and clear.\n"
        "**Jordan Hale (00:01:02.5):** Great.",
        "Jordan Hale  0:01\nHi there.\n\nZoe Fischer  0:07\nLoud and clear.\n\nJordan Hale  1:02.5\nGreat.",
        "Jordan Hale: (00:01)\nHi there.\n\nZoe Fischer: (00:07)\nLoud and clear.\n\n"
        "Jordan Hale: (01:02.5) Great.",
    ],
    ids=["bracket-ts", "bare-ts", "bold-ts", "otter", "rev"],
)
def test_leading_timestamp_styles(tmp_path, text):
    t = read_one(write(tmp_path / "call.txt", text))
    assert [(u.speaker, u.text, u.start, u.end) for u in t.utterances] == [
        ("Jordan Hale", "Hi there.", 1.0, 7.0),
        ("Zoe Fischer", "Loud and clear.", 7.0, 62.5),
        ("Jordan Hale", "Great.", 62.5, None),
    ]


def test_timestamped_file_treats_bare_word_colon_as_prose(tmp_path):
    t = read_one(
        write(
            tmp_path / "t.txt",
            "[00:00:01] Jane: Our setup has three steps.\nStep One: export.\nFirst Thing: clean it.\n"
            "[00:00:09] Bob: Got it.\n[00:00:12] Jane: Yes.\n",
        )
    )
    assert [u.speaker for u in t.utterances] == ["Jane", "Bob", "Jane"]
    assert t.utterances[0].text == "Our setup has three steps. Step One: export. First Thing: clean it."


def test_markdown_bold_labels_and_headings(tmp_path):
    path = write(
        tmp_path / "notes.md",
        "---\nsegment: SMB\nDeal Stage: discovery\n---\n# Call with Pinecrest\n\n"
        "**Kendra:** Hey Luis!\n\n**Luis**: Hi. The trial went fine.\n\n"
        "## Pricing\n\n- **Kendra:** And pricing?\n",
    )
    t = read_one(path)
    assert t.source_format == "txt"
    assert turns(t) == [
        ("Kendra", "Hey Luis!"),
        ("Luis", "Hi. The trial went fine."),
        ("Kendra", "And pricing?"),
    ]
    assert t.metadata == {"segment": "SMB", "deal_stage": "discovery"}


def test_explicit_role_in_label_and_label_alone_on_a_line(tmp_path):
    t = read_one(
        write(
            tmp_path / "r.txt",
            "Jane (Customer): We lose deals.\nSam (Sales Rep):\nWhy is that?\nJane (Customer): Slow quotes.",
        )
    )
    assert [(u.speaker, u.role, u.text) for u in t.utterances] == [
        ("Jane", "customer", "We lose deals."),
        ("Sam", "interviewer", "Why is that?"),
        ("Jane", "customer", "Slow quotes."),
    ]


def test_label_without_space_after_colon_but_not_urls(tmp_path):
    t = read_one(write(tmp_path / "n.txt", "Interviewer:hi\nCustomer:yo\nhttps://example.com/x\n"))
    assert turns(t) == [("Interviewer", "hi"), ("Customer", "yo https://example.com/x")]


def test_discourse_words_and_whole_bold_lines(tmp_path):
    t = read_one(
        write(
            tmp_path / "d.md",
            "**Interviewer: What happened?**\n**Maria:** It was bad.\nHonestly: it was terrible.\n"
            "**SPEAKER_00:** Why?\n",
        )
    )
    assert turns(t) == [
        ("Interviewer", "What happened?"),
        ("Maria", "It was bad. Honestly: it was terrible."),
        ("SPEAKER_00", "Why?"),
    ]


def test_prose_with_colons_is_not_labelled(tmp_path):
    path = write(
        tmp_path / "memo.txt",
        "The problem is: reporting takes forever.\nBottom line: we need automation.\n"
        "My answer: no.\nSummary: painful.\n\nSecond paragraph here.\n",
    )
    with pytest.raises(IngestError, match="no speaker labels found.*--unlabelled-speaker"):
        read_transcripts(path)
    t = read_one(path, unlabelled_speaker="Customer")
    assert turns(t) == [
        (
            "Customer",
            "The problem is: reporting takes forever. Bottom line: we need automation. My answer: no. "
            "Summary: painful.",
        ),
        ("Customer", "Second paragraph here."),
    ]
    assert any("no speaker labels" in n for n in t.notes)


def test_lowercase_labels_count_only_when_they_recur(tmp_path):
    t = read_one(
        write(tmp_path / "lc.txt", "interviewer: hi\ncustomer: hello\ninterviewer: why?\ncustomer: cost")
    )
    assert [u.speaker for u in t.utterances] == ["interviewer", "customer", "interviewer", "customer"]
    with pytest.raises(IngestError, match="no speaker labels"):
        read_transcripts(write(tmp_path / "lc2.txt", "bottom line: it is slow\nin short: we churned\n"))


def test_single_speaker_labels_get_a_clear_reason(tmp_path):
    path = write(tmp_path / "solo.txt", "Jane: one thing.\nJane: another thing.\n")
    with pytest.raises(IngestError, match="only one speaker \\('Jane'\\)"):
        read_transcripts(path)


# ---------------------------------------------------------------- subtitles


def test_vtt_voice_tags_merge_and_cleanup(tmp_path):
    path = write(
        tmp_path / "call.vtt",
        "WEBVTT - recorded call\nKind: captions\n\nNOTE this is a comment\nspanning lines\n\n"
        "STYLE\n::cue { color: white }\n\n"
        "1\n00:00:01.200 --> 00:00:04.000 align:start\n<v Priya (Relay)>Hi Grace &amp; Ben.</v>\n\n"
        "2\n00:00:04.000 --> 00:00:06.500\n<v Priya (Relay)><i>Shall we</i> start?</v>\n\n"
        "00:00:07.000 --> 00:00:09.000\n<v.loud Grace Whitfield>Sure &mdash; go.</v>\n\n"
        "00:00:09.000 --> 00:00:11.000\nthis line has no tag\n\n"
        "00:11.000 --> 00:14.000\n<v Ben>Me too.</v> <v Grace Whitfield>Ok.</v>\n",
    )
    t = read_one(path)
    assert t.source_format == "vtt"
    assert [(u.speaker, u.text, u.start, u.end) for u in t.utterances] == [
        ("Priya (Relay)", "Hi Grace & Ben. Shall we start?", 1.2, 6.5),
        ("Grace Whitfield", "Sure — go. this line has no tag", 7.0, 11.0),
        ("Ben", "Me too.", 11.0, 14.0),
        ("Grace Whitfield", "Ok.", 11.0, 14.0),
    ]


def test_vtt_with_name_labels_in_cue_text(tmp_path):
    path = write(
        tmp_path / "zoom.vtt",
        "WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nKendra Walsh: Hello\n\n"
        "2\n00:00:02.000 --> 00:00:03.000\nLuis Romero: Hi\n\n"
        "3\n00:00:03.000 --> 00:00:04.000\nhow are you\n",
    )
    assert turns(read_one(path)) == [("Kendra Walsh", "Hello"), ("Luis Romero", "Hi how are you")]


def test_srt_labels_tags_and_merging(tmp_path):
    path = write(
        tmp_path / "fern.srt",
        "1\n00:00:01,200 --> 00:00:06,080\nInterviewer: Hi Ren\u00e9e, <i>can you</i> hear me?\n\n"
        "2\n00:00:06,500 --> 00:00:08,000\nRen\u00e9e Dubois: {\\an8}Yes.\n\n"
        "3\n00:00:08,000 --> 00:00:10,000\nRen\u00e9e Dubois: Loud and clear.\nI'm ready.\n\n"
        "4\n00:00:10,500 --> 00:00:12,000\nInterviewer: Great.\n",
    )
    t = read_one(path)
    assert t.source_format == "srt"
    assert [(u.speaker, u.text, u.start, u.end) for u in t.utterances] == [
        ("Interviewer", "Hi Ren\u00e9e, can you hear me?", 1.2, 6.08),
        ("Ren\u00e9e Dubois", "Yes. Loud and clear. I'm ready.", 6.5, 10.0),
        ("Interviewer", "Great.", 10.5, 12.0),
    ]


def test_subtitles_without_speakers_need_unlabelled_speaker(tmp_path):
    path = write(
        tmp_path / "s.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nhello\n\n2\n00:00:02,000 --> 00:00:03,000\nthere\n",
    )
    with pytest.raises(IngestError, match="no speaker labels"):
        read_transcripts(path)
    assert turns(read_one(path, unlabelled_speaker="Customer")) == [("Customer", "hello there")]


# ---------------------------------------------------------------- JSON


def test_generic_json_with_metadata_and_roles(tmp_path):
    doc = {
        "doc_id": "meridian",
        "metadata": {"Segment": "Enterprise", "companySize": 9000, "renewal": True, "empty": ""},
        "utterances": [
            {
                "speaker": "Interviewer",
                "role": "host",
                "start": 1.2,
                "end": "00:00:09.42",
                "text": " Good  morning. ",
            },
            {"speaker": "Karen", "role": "prospect", "start": 9.5, "text": "Hi."},
            {"speaker": "Karen", "role": "cfo", "text": "   "},
            {"speaker": "Karen", "role": "cfo", "text": "We use spreadsheets."},
        ],
    }
    t = read_one(write(tmp_path / "m.json", json.dumps(doc)))
    assert t.doc_id == "meridian" and t.source_format == "json"
    assert t.metadata == {"segment": "Enterprise", "company_size": "9000", "renewal": "true"}
    assert [(u.speaker, u.role, u.start, u.end, u.text) for u in t.utterances] == [
        ("Interviewer", "interviewer", 1.2, 9.42, "Good morning."),
        ("Karen", "customer", 9.5, None, "Hi."),
        ("Karen", "unknown", None, None, "We use spreadsheets."),
    ]
    assert any("cfo" in n for n in t.notes)


def test_json_list_of_documents(tmp_path):
    docs = [
        {"doc_id": "a", "utterances": [{"speaker": "Q", "text": "x?"}, {"speaker": "A", "text": "y"}]},
        {"utterances": [{"speaker": "Q", "text": "z?"}]},
    ]
    found = read_transcripts(write(tmp_path / "many.json", json.dumps(docs)))
    assert [t.doc_id for t in found] == ["a", "many-2"]


def test_whisper_segments_without_speakers(tmp_path):
    data = {
        "language": "en",
        "segments": [
            {"id": 0, "start": 0.0, "end": 2.5, "text": " Hello there."},
            {"id": 1, "start": 2.5, "end": 4.0, "text": " How are you?"},
        ],
    }
    t = read_one(write(tmp_path / "w.json", json.dumps(data)))
    assert [(u.speaker, u.text, u.start, u.end) for u in t.utterances] == [
        ("SPEAKER_00", "Hello there.", 0.0, 2.5),
        ("SPEAKER_00", "How are you?", 2.5, 4.0),
    ]
    assert t.metadata == {"language": "en"}
    assert any("no speaker labels" in n for n in t.notes)


def test_whisperx_word_speakers(tmp_path):
    words = [
        {"word": "Hi", "start": 0.0, "end": 0.3, "speaker": "SPEAKER_00"},
        {"word": "there.", "start": 0.3, "end": 0.6, "speaker": "SPEAKER_00"},
        {"word": "Hello!", "start": 0.8, "end": 1.2, "speaker": "SPEAKER_01"},
    ]
    data = {
        "segments": [
            {"start": 0.0, "end": 1.2, "words": words},
            {"start": 2.0, "end": 3.0, "text": "Pricing is the issue.", "speaker": "SPEAKER_01"},
        ]
    }
    t = read_one(write(tmp_path / "wx.json", json.dumps(data)))
    assert [(u.speaker, u.text, u.start, u.end) for u in t.utterances] == [
        ("SPEAKER_00", "Hi there.", 0.0, 0.6),
        ("SPEAKER_01", "Hello!", 0.8, 1.2),
        ("SPEAKER_01", "Pricing is the issue.", 2.0, 3.0),
    ]


def test_doc_ids_from_inside_files_are_safe_file_names(tmp_path):
    doc = {
        "doc_id": "../../evil",
        "utterances": [{"speaker": "Q", "text": "x"}, {"speaker": "A", "text": "y"}],
    }
    t = read_one(write(tmp_path / "j.json", json.dumps(doc)))
    assert t.doc_id == ".._.._evil" and "/" not in t.doc_id
    assert any("changed to" in n for n in t.notes)


def test_json_unknown_layout(tmp_path):
    with pytest.raises(IngestError, match="unrecognised JSON layout.*keys found: foo"):
        read_transcripts(write(tmp_path / "x.json", '{"foo": 1}'))


# ---------------------------------------------------------------- CSV


def test_csv_multiple_documents_with_aliases(tmp_path):
    path = write(
        tmp_path / "calls.csv",
        "Call_ID,Participant,Role,Start Time,End,Utterance,Segment\n"
        'c1,Sam,rep,00:00:01.2,10.25,"Hi, thanks.",Enterprise\n'
        "c1,Olivia,client,10.5,,Our forecast is a mess,Enterprise\n"
        "c2,Ann,moderator,bad,,Hello,SMB\n"
        "c2,Bo,,,,   ,SMB\n"
        'c2,Bo,,,,"Line one\nline two",SMB\n',
    )
    found = read_transcripts(path)
    assert [t.doc_id for t in found] == ["c1", "c2"]
    c1, c2 = found
    assert c1.source_format == "csv" and c1.metadata == {"segment": "Enterprise"}
    assert [(u.speaker, u.role, u.start, u.end, u.text) for u in c1.utterances] == [
        ("Sam", "interviewer", 1.2, 10.25, "Hi, thanks."),
        ("Olivia", "customer", 10.5, None, "Our forecast is a mess"),
    ]
    assert [(u.speaker, u.role, u.start, u.text) for u in c2.utterances] == [
        ("Ann", "interviewer", None, "Hello"),
        ("Bo", "unknown", None, "Line one line two"),
    ]
    assert any("not times" in n for n in c2.notes)


def test_csv_gong_style_affiliation_marks_the_sellers_people(tmp_path):
    # Gong-like call exports: one row per sentence, Internal = the seller's people, External = the customer.
    path = write(
        tmp_path / "call.csv",
        "call_id,speaker_name,speaker_email,affiliation,start_time,end_time,sentence\n"
        "k1,Nadia Kowalski,nadia@vendor.example,Internal,1.00,2.50,Hi there.\n"
        "k1,Priyanka Rao,priyanka@vendor.example,Internal,2.50,4.00,I'm the solutions engineer.\n"
        'k1,Sarah Whitfield,sarah@clinic.example,External,4.20,6.00,"Hi, thanks."\n',
    )
    (call,) = read_transcripts(path)
    assert call.doc_id == "k1"
    assert [(u.speaker, u.role, u.start) for u in call.utterances] == [
        ("Nadia Kowalski", "interviewer", 1.0),
        ("Priyanka Rao", "interviewer", 2.5),
        ("Sarah Whitfield", "customer", 4.2),
    ]


def test_csv_without_doc_id_uses_stem_and_semicolons(tmp_path):
    t = read_one(write(tmp_path / "quantia.csv", "speaker;text\nSam;Hi, there; welcome\nOlivia;Thanks\n"))
    assert t.doc_id == "quantia"
    assert turns(t) == [("Sam", "Hi, there; welcome"), ("Olivia", "Thanks")]


def test_csv_missing_text_column_names_the_columns(tmp_path):
    with pytest.raises(IngestError, match="no text column.*columns: 'doc_id', 'speaker', 'words'"):
        read_transcripts(write(tmp_path / "bad.csv", "doc_id,speaker,words\na,b,c\n"))


# ---------------------------------------------------------------- DOCX


def test_docx_paragraphs_and_table(tmp_path):
    document = docx.Document()
    document.add_heading("Orchard Foods call", level=1)
    document.add_paragraph("AE: Hi Beth, thanks for hopping on.")
    document.add_paragraph("Beth Sullivan: Happy to.")
    document.add_paragraph("We are close to signing.")
    table = document.add_table(rows=3, cols=2)
    for row, (who, said) in zip(
        table.rows, [("Speaker", "Text"), ("AE", "What is open?"), ("Carlos", "Price.")], strict=True
    ):
        row.cells[0].text, row.cells[1].text = who, said
    document.add_paragraph("Beth Sullivan: And the contract terms.")
    path = tmp_path / "orchard.docx"
    document.save(str(path))
    t = read_one(path)
    assert t.source_format == "docx" and t.encoding is None
    assert turns(t) == [
        ("AE", "Hi Beth, thanks for hopping on."),
        ("Beth Sullivan", "Happy to. We are close to signing."),
        ("AE", "What is open?"),
        ("Carlos", "Price."),
        ("Beth Sullivan", "And the contract terms."),
    ]


def test_docx_that_is_not_a_word_file(tmp_path):
    with pytest.raises(IngestError, match="not a valid .docx file"):
        read_transcripts(write(tmp_path / "old.docx", "AE: this is plain text pretending to be docx"))


# ---------------------------------------------------------------- metadata


def test_load_metadata_csv_and_yaml(tmp_path):
    csv_path = write(
        tmp_path / "meta.csv",
        "Doc ID,Segment,Deal Stage,Company Size\nacme,Enterprise,won,320\nbeta,,lost,\n",
    )
    assert load_metadata(csv_path) == {
        "acme": {"segment": "Enterprise", "deal_stage": "won", "company_size": "320"},
        "beta": {"deal_stage": "lost"},
    }
    yml = write(tmp_path / "meta.yaml", "acme:\n  Segment: SMB\n  date: 2026-01-14\n  seats: 12\n")
    assert load_metadata(yml) == {"acme": {"segment": "SMB", "date": "2026-01-14", "seats": "12"}}
    yml_list = write(tmp_path / "list.yml", "- doc_id: acme\n  segment: SMB\n- doc_id: 7\n  active: yes\n")
    assert load_metadata(yml_list) == {"acme": {"segment": "SMB"}, "7": {"active": "true"}}
    with pytest.raises(IngestError, match="no doc_id column"):
        load_metadata(write(tmp_path / "nodoc.csv", "name,segment\nacme,SMB\n"))
    with pytest.raises(IngestError, match="invalid YAML at line"):
        load_metadata(write(tmp_path / "bad.yaml", "acme: [unclosed\n"))


def test_metadata_merge_order_path_file_sidecar_explicit(tmp_path):
    root = tmp_path / "in"
    folder = root / "segment=SMB" / "region=EMEA"
    doc = {"doc_id": "acme", "metadata": {"segment": "Mid-market", "plan": "pro", "owner": "file"},
           "utterances": [{"speaker": "Q", "text": "a"}, {"speaker": "A", "text": "b"}]}  # fmt: skip
    write(folder / "acme.json", json.dumps(doc))
    write(folder / "beta.txt", "Q: x\nA: y\n")
    write(root / "metadata.yaml", "acme:\n  owner: outer\n  tier: gold\n")
    write(folder / "metadata.csv", "doc_id,owner\nacme,inner\nbeta.txt,inner-by-name\n")
    explicit = write(tmp_path / "extra.yaml", "beta:\n  tier: silver\n")
    transcripts, records = ingest_paths([root], IngestOptions(metadata_file=str(explicit)))
    by_id = {t.doc_id: t.metadata for t in transcripts}
    assert by_id["acme"] == {
        "segment": "Mid-market",  # file beats folder name
        "region": "EMEA",  # from the folder name
        "plan": "pro",
        "owner": "inner",  # nearest sidecar beats the outer one and the file
        "tier": "gold",
    }
    assert by_id["beta"] == {"segment": "SMB", "region": "EMEA", "owner": "inner-by-name", "tier": "silver"}
    assert [Path(r.path).name for r in records] == ["acme.json", "beta.txt"]  # sidecars are not inputs


def test_explicit_metadata_file_errors_raise(tmp_path):
    write(tmp_path / "a.txt", "Q: x\nA: y\n")
    with pytest.raises(IngestError, match="metadata file not found"):
        ingest_paths([tmp_path], IngestOptions(metadata_file=str(tmp_path / "missing.csv")))


def test_broken_sidecar_is_reported_not_fatal(tmp_path):
    write(tmp_path / "a.txt", "Q: x\nA: y\n")
    write(tmp_path / "metadata.csv", "name,segment\nx,y\n")
    transcripts, records = ingest_paths([tmp_path])
    assert [t.doc_id for t in transcripts] == ["a"]
    sidecar = [r for r in records if r.path.endswith("metadata.csv")]
    assert sidecar and sidecar[0].status == "skipped" and "no doc_id column" in (sidecar[0].reason or "")


# ---------------------------------------------------------------- ingest_paths behaviour


def test_ingest_paths_order_hidden_duplicates_and_callback(tmp_path):
    write(tmp_path / "b" / "call.txt", "Q: one\nA: two\n")
    write(
        tmp_path / "a" / "call.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nQ: hi\n\n2\n00:00:02,000 --> 00:00:03,000\nA: yo\n",
    )
    write(
        tmp_path / "a" / "sub" / "call.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Q>hi</v>\n<v A>yo</v>\n"
    )
    write(tmp_path / ".hidden.txt", "Q: x\nA: y\n")
    write(tmp_path / ".git" / "x.txt", "Q: x\nA: y\n")
    write(tmp_path / "notes.pdf", "%PDF-1.4")
    seen: list[InputRecord] = []
    transcripts, records = ingest_paths([tmp_path, tmp_path / "b" / "call.txt"], on_record=seen.append)
    assert seen == records
    rel = [(str(Path(r.path).relative_to(tmp_path)), r.status) for r in records]
    assert rel == [
        ("a/call.srt", "processed"),
        ("a/sub/call.vtt", "processed"),
        ("b/call.txt", "processed"),
        ("notes.pdf", "skipped"),
        ("b/call.txt", "skipped"),
    ]
    assert records[3].reason == "unsupported file type .pdf (export it as .txt or .docx)"
    assert records[4].reason == "listed more than once (already read)"
    assert [t.doc_id for t in transcripts] == ["call", "call-sub", "call-b"]
    assert "renamed to 'call-sub'" in transcripts[1].notes[-1]
    assert records[1].doc_ids == ["call-sub"]
    # Deterministic: a second run gives the same result.
    again, again_records = ingest_paths([tmp_path, tmp_path / "b" / "call.txt"])
    assert [t.to_dict() for t in again] == [t.to_dict() for t in transcripts] and again_records == records


def test_same_interview_in_several_formats_is_read_once(tmp_path):
    # What the transcribe stage writes (json + vtt + srt), a Zoom export (m4a + vtt), a broken preferred copy.
    write(
        tmp_path / "acme.srt",
        "1\n00:00:01,000 --> 00:00:02,000\nQ: hi\n\n2\n00:00:02,000 --> 00:00:03,000\nA: yo\n",
    )
    write(tmp_path / "acme.vtt", "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Q>hi</v>\n<v A>yo</v>\n")
    write(
        tmp_path / "acme.json",
        '{"utterances": [{"speaker": "Q", "text": "hi"}, {"speaker": "A", "text": "yo"}]}',
    )
    write(tmp_path / "acme.m4a", "not really audio")
    write(tmp_path / "beta.json", '{"utterances": [')
    write(tmp_path / "beta.txt", "Q: x\nA: y\n")
    write(tmp_path / "clip.wav", "RIFF")
    write(tmp_path / "clip.mp3", "ID3")
    transcripts, records = ingest_paths([tmp_path])
    got = [(Path(r.path).name, r.status, r.reason) for r in records]
    same = "(same name, other format): not read twice"
    assert got == [
        ("acme.json", "processed", None),
        ("acme.vtt", "skipped", f"same interview as acme.json {same}"),
        ("acme.srt", "skipped", f"same interview as acme.json {same}"),
        ("acme.m4a", "skipped", f"same interview as acme.json {same}"),
        ("beta.json", "skipped", "invalid JSON at line 1 column 17: Expecting value"),
        ("beta.txt", "processed", None),
        ("clip.mp3", "skipped", AUDIO_DISABLED_REASON),  # audio-only copies are not grouped
        ("clip.wav", "skipped", AUDIO_DISABLED_REASON),
    ]
    assert [t.doc_id for t in transcripts] == ["acme", "beta"]


def test_audio_goes_to_the_audio_reader(tmp_path):
    write(tmp_path / "a.wav", "RIFF")
    write(tmp_path / "b.mp3", "ID3")
    write(tmp_path / "c.ogg", "OggS")
    _, records = ingest_paths([tmp_path])
    assert [r.reason for r in records] == [AUDIO_DISABLED_REASON] * 3

    def reader(path: Path) -> list[Transcript]:
        if path.suffix == ".mp3":
            raise RuntimeError("decoder exploded")
        if path.suffix == ".ogg":
            raise IngestError("no speech in this recording")
        return [Transcript(doc_id="", source="", utterances=[Utterance("SPEAKER_00", "hello")])]

    transcripts, records = ingest_paths([tmp_path], audio_reader=reader)
    assert [(t.doc_id, t.source_format, t.source) for t in transcripts] == [
        ("a", "audio", str(tmp_path / "a.wav"))
    ]
    assert records[0].status == "processed" and records[0].doc_ids == ["a"]
    assert records[1].status == "skipped"
    assert records[1].reason == "could not read file (RuntimeError: decoder exploded)"
    assert (records[2].status, records[2].reason) == ("skipped", "no speech in this recording")


def test_missing_input_path_is_recorded(tmp_path):
    transcripts, records = ingest_paths([tmp_path / "nope.txt"])
    assert transcripts == [] and records == [
        InputRecord(str(tmp_path / "nope.txt"), "skipped", "file not found")
    ]


# ---------------------------------------------------------------- the shared fixtures


def test_fixture_interviews_all_processed(fixtures_dir):
    folder = fixtures_dir / "interviews"
    if not any(folder.glob("*")):
        pytest.skip(f"fixture interviews not written yet in {folder}")
    transcripts, records = ingest_paths([folder])
    skipped = [(r.path, r.reason) for r in records if r.status != "processed"]
    assert skipped == []
    formats = {r.source_format for r in records}
    assert {"txt", "vtt", "srt", "json", "csv", "docx"} <= formats
    for t in transcripts:
        assert len({u.speaker for u in t.utterances}) >= 2, t.doc_id
        assert len(t.utterances) >= 10, t.doc_id
        assert t.metadata.get("segment"), t.doc_id  # from metadata.csv
        assert all(u.text and u.text == u.text.strip() for u in t.utterances)
