"""One vocabulary: the names dbt pivots (dbt_project.yml vars) are the names the parser writes."""

from pipeline import vocabulary
from pipeline.narrative import execution
from pipeline.narrative.facts import _RULES as FACT_RULES
from pipeline.tables import columns, kinds, lines


def test_every_table_kind_the_parser_recognises_is_in_the_vocabulary():
    recognised = {kind for kind, _, _ in kinds._RULES}
    assert recognised == set(vocabulary.table_kinds()) | set(vocabulary.unread_table_kinds())
    assert list(vocabulary.table_kinds()) == kinds.STANDARD_KINDS


def test_narrative_facts_pivoted_by_dbt_are_the_facts_the_parser_states():
    for kind in ("assets", "performance", "procurement"):
        stated = [key for rule_kind, key, _, _ in FACT_RULES if rule_kind == kind]
        assert sorted(stated) == sorted(vocabulary.narrative_fact_keys(kind)), kind


def test_three_public_items_pivoted_are_items_the_parser_reads():
    read = {key for _, key in lines._THREE_PUBLIC_ITEMS}
    beside = {
        "operating_funds",
        "administrative_funds",
        "meeting_funds",
        "training_funds",
    }  # printed beside 三公, not part of it
    assert set(vocabulary.three_public_items()) == read - beside


def test_final_accounts_facts_pivoted_by_dbt_are_the_facts_the_extractor_states():
    stated = {
        "final_three_public": {key for key, _ in execution._THREE_PUBLIC + execution._THREE_PUBLIC_REASONS}
        | {f"{item}_change" for item, _ in execution._THREE_PUBLIC_ITEMS}
    }
    for kind, key, _, _ in execution._OTHER:
        stated.setdefault(kind, set()).add(key)
    for kind, keys in stated.items():
        assert keys == set(vocabulary.narrative_fact_keys(kind)), kind


def test_final_accounts_lines_and_measures_are_ones_the_parser_reads():
    read_lines = {key for _, key in lines._INCOME_ITEMS + lines._EXPENDITURE_ITEMS}
    assert set(vocabulary.final_summary_lines()) <= read_lines
    read_measures = {measure for _, measure in columns._MEASURE_RULES}
    assert set(vocabulary.final_subject_measures()) <= read_measures
