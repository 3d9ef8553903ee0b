"""Registry storage: schema and migrations, de-duplication rules, and how a document is (re)stored."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select

from registry.fakes import document, extract, extract_v2, report_text
from spinecase.records import CaseRecord, Span
from spinecase.registry import Registry, current_revision, head_revision, open_registry, set_value
from spinecase.registry.dedup import document_keys, identifiers_from_text, normalised_words, sampled_shingles
from spinecase.registry.migrate import downgrade, upgrade
from spinecase.registry.models import Base, CaseRow, DocumentKey, DocumentRow, FieldValue
from spinecase.registry.query import get_case
from spinecase.registry.store import StoreResult, incoming, store_document

pytest_plugins = ["registry.plugin"]

ABSTRACT = (
    "Sacral metastasis from a rectal stromal tumour: a case report. "
    "We report a 58-year-old man who developed sacral pain eleven years after resection of a rectal "
    "stromal tumour. Magnetic resonance imaging showed a destructive lesion of S1 extending into the "
    "sacral canal, and a biopsy confirmed recurrence of the stromal tumour with strong KIT staining. "
    "He received imatinib followed by sacral decompression and remained free of progression at two years. "
    "Positron emission tomography before surgery showed uptake only in the sacrum, and the rectal scar "
    "was free of disease on endoscopy. The decompression relieved the pain within a week, and the "
    "numbness of both feet resolved over three months of rehabilitation. Imatinib was continued at the "
    "same dose, and follow-up imaging every six months showed a stable sclerotic lesion without new "
    "deposits. This report adds a late sacral recurrence to the few spinal metastases of rectal stromal "
    "tumours described so far, and argues for long surveillance of the skeleton after resection."
)
FULL_TEXT = (
    "Journal of Invented Spine Cases 2023; doi: 10.5555/jisc.2023.17\n\n"
    + ABSTRACT
    + "\n\nIntroduction\nStromal tumours of the rectum rarely spread to bone, and spinal deposits are "
    "described mostly in single reports. Case presentation\nA 58-year-old man presented with sacral pain "
    "and numbness of both feet. Computed tomography of the chest and abdomen showed no other lesion. "
    "Discussion\nLate recurrence of a rectal stromal tumour in the sacrum is unusual and easily mistaken "
    "for a chordoma when the history is not known."
)


def _store(
    reg: Registry, doc_text: str, doc_id: str = "r1", version: str = "v1", extractor=extract, **meta
) -> StoreResult:
    doc = document(doc_id, doc_text, **meta)
    with reg.write() as s:
        return store_document(s, incoming(doc, extractor(doc), version))


def test_migrations_match_the_models_and_upgrade_is_idempotent(registry: Registry) -> None:
    assert current_revision(registry.engine) == head_revision()
    with registry.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    # the full-text index is created by the migration on purpose, outside the ORM models; tables of
    # other parts of the project (web accounts) share the database and its migration history
    unexpected = [
        d
        for d in diffs
        if not (d[0] == "remove_table" and d[1].name not in Base.metadata.tables)
        and not (d[0] == "remove_column" and d[3].name == "search")
        and not (d[0] == "remove_index" and d[1].name == "ix_documents_search")
    ]
    assert unexpected == []
    assert upgrade(registry.engine) == head_revision()  # nothing to do the second time
    again = open_registry(registry.url)
    assert set(inspect(again.engine).get_table_names()) >= {
        "documents",
        "cases",
        "field_values",
        "curator_edits",
    }
    again.dispose()


def test_downgrade_then_upgrade_recreates_the_schema(registry: Registry) -> None:
    assert downgrade(registry.engine, "base") == ""
    assert "documents" not in inspect(registry.engine).get_table_names()
    assert upgrade(registry.engine) == head_revision()
    assert _store(registry, report_text(1)).outcome == "new"


def test_fingerprint_ignores_layout_case_and_hyphenation() -> None:
    a = document_keys("Spinal meta-\nstasis of a stromal tumour.\n\nAt T12.", {})
    b = document_keys("SPINAL metastasis of a  stromal tumour. At T12!", {})
    assert a.content_hash != b.content_hash
    assert a.fingerprint == b.fingerprint
    assert normalised_words("meta-\nstasis, T12") == ["metastasis", "t12"]


def test_identifiers_are_read_from_the_head_of_plain_text_only() -> None:
    head = "Spine Case Rep. 2021;3:12. doi: 10.5555/SCR.2021.003. PMID: 33300012\n"
    assert identifiers_from_text(head + "x" * 5000) == {"doi": "10.5555/scr.2021.003", "pmid": "33300012"}
    # a DOI in the reference list (past the head) is another paper's
    assert identifiers_from_text("Body. " * 600 + "1. Smith J. doi: 10.5555/other") == {}
    keys = document_keys(head, {"doi": "https://doi.org/10.5555/META"}, structured=True)
    assert keys.identifiers == {"doi": "10.5555/meta"}


def test_shingle_samples_of_a_contained_text_are_among_the_container_samples() -> None:
    inner = set(sampled_shingles(normalised_words(ABSTRACT)))
    outer = set(sampled_shingles(normalised_words(FULL_TEXT)))
    assert len(inner) >= 4
    assert inner <= outer


def test_same_text_twice_is_stored_once(registry: Registry) -> None:
    first = _store(registry, report_text(3, cases=2))
    second = _store(registry, report_text(3, cases=2), doc_id="copy-of-r1")
    assert (first.outcome, second.outcome) == ("new", "unchanged")
    assert second.document_id == first.document_id
    with registry.session() as s:
        assert s.scalar(select(func.count()).select_from(DocumentRow)) == 1
        assert s.scalar(select(func.count()).select_from(CaseRow)) == 2


def test_reflowed_copy_matches_by_fingerprint_and_identifier_match_merges(registry: Registry) -> None:
    text = report_text(5)
    base = _store(registry, text, doi="10.5555/abc")
    reflowed = _store(registry, text.replace(" ", "\n", 3).upper(), doc_id="r1-web")
    assert (reflowed.outcome, reflowed.rule) == ("merged", "fingerprint")
    # another text of the same DOI with less in it: kept as an alias of the stored one
    other = _store(registry, "Abstract only: back pain.", doc_id="r1-pmc", fmt="jats", doi="10.5555/ABC")
    assert (other.outcome, other.rule, other.document_id) == ("merged", "doi", base.document_id)


def test_richer_version_replaces_an_abstract_and_a_poorer_one_is_only_an_alias(registry: Registry) -> None:
    abstract = _store(
        registry, ABSTRACT, doc_id="33300012", fmt="pubmed", pmid="33300012", title="Sacral metastasis"
    )
    full = _store(registry, FULL_TEXT, doc_id="sacral-report")
    assert (full.outcome, full.rule, full.document_id) == ("updated", "contained", abstract.document_id)
    with registry.session() as s:
        doc = s.get(DocumentRow, abstract.document_id)
        assert doc is not None
        # the text (and so the contract's document key) follows the richer version; identifiers merge
        assert (doc.key, doc.text, doc.pmid, doc.doi, doc.title) == (
            "sacral-report",
            FULL_TEXT,
            "33300012",
            "10.5555/jisc.2023.17",
            "Sacral metastasis",
        )
        keys = set(s.scalars(select(DocumentKey.key).where(DocumentKey.document_id == doc.id)))
        assert {"pmid:33300012", "doi:10.5555/jisc.2023.17"} <= keys
    again = _store(registry, ABSTRACT, doc_id="33300012", fmt="pubmed", pmid="33300012")
    assert again.outcome == "unchanged"  # its hash is a known alias now


def test_new_extractor_version_refreshes_values_but_never_a_curated_one(registry: Registry) -> None:
    text = report_text(9)
    first = _store(registry, text)
    assert _store(registry, text, version="v1").outcome == "unchanged"
    assert _store(registry, text, version="v1.1").outcome == "unchanged"  # same values, new stamp
    with registry.write() as s:
        set_value(s, "r1#1", "age", "44", curator="ana", reason="age at the spinal diagnosis")
    upgraded = _store(registry, text, version="v2", extractor=extract_v2)
    assert (upgraded.outcome, upgraded.document_id) == ("updated", first.document_id)
    with registry.session() as s:
        case = get_case(s, "r1#1")
        assert case.record.age == 44
        assert case.record.vital_status == "alive"
        assert case.curated_fields == {"age"}
        versions = dict(s.execute(select(FieldValue.field, FieldValue.extractor_version)).all())
        assert versions["age"] is None and versions["sex"] == "v2" and versions["vital_status"] == "v2"


def test_vanished_cases_go_unless_curated(registry: Registry) -> None:
    two = report_text(3, cases=2)
    _store(registry, two)
    with registry.write() as s:
        set_value(s, "r1#2", "histology", "gist", curator="ben")

    def one_case(doc):  # the "upgraded" extractor sees a single patient
        return extract(doc)[:1]

    assert _store(registry, two, version="v2", extractor=one_case).outcome == "updated"
    with registry.session() as s:
        kept = get_case(s, "r1#2")
        assert kept.record.histology == "gist" and kept.record.age is None
    _store(registry, two, version="v3", extractor=lambda d: [])
    with registry.session() as s:
        assert s.scalar(select(func.count()).select_from(CaseRow)) == 1  # only the curated case remains


def test_curated_evidence_follows_a_replacing_text(registry: Registry) -> None:
    _store(registry, ABSTRACT, doc_id="a", fmt="pubmed", pmid="33300099")
    start = ABSTRACT.index("S1 extending")
    with registry.write() as s:
        set_value(s, "a#1", "spinal_levels", "S1", curator="cy", evidence=f"{start}:{start + 2}")
    _store(registry, FULL_TEXT.replace("10.5555/jisc.2023.17", "10.5555/other"), doc_id="b")
    with registry.session() as s:
        fv = s.scalar(select(FieldValue).where(FieldValue.field == "spinal_levels"))
        assert fv is not None and fv.origin == "curator"
        doc = s.scalar(select(DocumentRow))
        assert doc is not None and doc.key == "b"
        (span,) = fv.evidence
        assert doc.text[span["start"] : span["end"]] == "S1"


def test_records_round_trip_with_clinical_details_and_evidence(registry: Registry) -> None:
    doc = document("rt", "A 61-year-old woman, KPS 70, with a 9 cm stromal tumour.")
    rec = CaseRecord(document="rt", case=1, age=61, sex="female", evidence={"age": [Span(start=2, end=13)]})
    rec.clinical.kps, rec.clinical.tumour_size_cm = 70, 9.0
    rec.clinical.evidence["kps"] = [Span(start=22, end=28)]
    with registry.write() as s:
        store_document(s, incoming(doc, [rec], "v1"))
    with registry.session() as s:
        back = get_case(s, "rt#1").record
    assert back.to_contract() == rec.to_contract()
    assert back.clinical == rec.clinical


def test_conflicting_identifiers_keep_short_identical_texts_apart(registry: Registry) -> None:
    a = _store(registry, "Reply.", doc_id="40000001", fmt="pubmed", pmid="40000001")
    b = _store(registry, "Reply.", doc_id="40000002", fmt="pubmed", pmid="40000002")
    assert (a.outcome, b.outcome) == ("new", "new") and a.document_id != b.document_id
    assert (
        _store(registry, "Reply.", doc_id="40000002", fmt="pubmed", pmid="40000002").document_id
        == b.document_id
    )
    # a substantial narrative published twice under two DOIs is one patient
    text = report_text(11)
    first = _store(registry, text, doc_id="j1", fmt="jsonl", doi="10.5555/first")
    second = _store(registry, text, doc_id="j2", fmt="jsonl", doi="10.5555/second")
    assert (second.outcome, second.rule, second.document_id) == ("unchanged", "sha256", first.document_id)
