"""budget-warehouse: China's public budget disclosures → a DuckDB warehouse."""
