-- Question: How much of its 一般公共预算 budget did each unit spend in the year (execution rate by unit), and where does the budget figure come from?
-- One row per: unit_name, doc_kind, year
-- Reads the final accounts (部门决算): budget_source says whether the budget is the year's budget
-- disclosure or the one the 决算 narrative states; is_budget_consistent whether the two agree;
-- stated_reason is the narrative's 主要原因 for 决算 against 预算, as printed.
select u.unit_name, u.doc_kind, e.year, e.budget_wan, e.final_wan,
       round(e.execution_rate * 100, 2) as execution_pct,
       round(e.stated_execution_rate * 100, 2) as stated_execution_pct,
       e.budget_source, e.is_budget_consistent, e.stated_reason
from mart_budget_execution as e
inner join dim_unit as u on e.unit_key = u.unit_key
where e.subject_code = 'total' and e.budget_wan is not null
order by e.execution_rate;
