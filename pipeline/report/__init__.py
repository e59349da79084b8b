"""The visual report: one self-contained HTML file built from the published warehouse."""
