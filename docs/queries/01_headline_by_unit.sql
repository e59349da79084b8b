-- Question: Which units have the largest budgets this year, and how is each split between basic and project spending?
-- One row per: unit_name, doc_kind, year
select unit_name, doc_kind, year, total_budget_wan, basic_wan, project_wan,
       round(project_share_of_total * 100, 1) as project_pct
from mart_unit_year
order by year desc, total_budget_wan desc;
