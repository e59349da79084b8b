"""Interpreters of the standard tables, working on the intermediate form only."""
