"""Statements extracted from the disclosure's prose (第三部分 情况说明)."""
