"""No input crashes the parser: mutated copies of the samples (truncated, lines deleted or
shuffled, numbers garbled, bytes flipped) each get a status."""

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.stage import stage_document

RAW = Path(__file__).resolve().parent.parent / "data" / "raw"
SAMPLES = [p.read_bytes() for p in sorted(RAW.glob("*.txt"))]
# rejected: a garbled figure too large for its column
STATUSES = {"loaded", "partial", "not_budget_disclosure", "unidentified", "final_accounts", "empty", "rejected"}


@st.composite
def mutated(draw):
    data = draw(st.sampled_from(SAMPLES))
    lines = data.split(b"\n")
    operation = draw(st.sampled_from(["truncate", "delete", "shuffle", "garble", "flip"]))
    if operation == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if operation == "delete":
        start = draw(st.integers(0, len(lines) - 1))
        return b"\n".join(lines[:start] + lines[start + draw(st.integers(1, 200)) :])
    if operation == "shuffle":
        return b"\n".join(draw(st.permutations(lines[:400])) + lines[400:])
    if operation == "garble":
        digits = draw(st.lists(st.sampled_from(list(b"0123456789,. ")), min_size=50, max_size=50))
        out = bytearray(data)
        positions = draw(st.lists(st.integers(0, len(out) - 1), min_size=1, max_size=50))
        for position, digit in zip(positions, digits):
            if chr(out[position]).isdigit():
                out[position] = digit
        return bytes(out)
    out = bytearray(data)
    for position in draw(st.lists(st.integers(0, len(out) - 1), min_size=1, max_size=30)):
        out[position] = draw(st.integers(0, 255))
    return bytes(out)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_disclosures_never_crash_and_always_get_a_status(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "mutated.txt"
    path.write_bytes(data)
    staged = stage_document(path)
    assert staged.status["status"] in STATUSES
    if staged.status["status"] != "loaded":
        assert staged.status["reason"]
