"""``budget synth``: realistic, internally consistent synthetic disclosures with truth files."""
