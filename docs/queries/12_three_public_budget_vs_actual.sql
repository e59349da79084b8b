-- Question: How did each unit's “三公” spending compare with its “三公” budget, item by item?
-- One row per: unit_name, doc_kind, year
-- Reads the final accounts (部门决算): the 财政拨款“三公”经费支出决算表 prints 预算数 and 决算数 per item.
select u.unit_name, u.doc_kind, t.year,
       t.budget_total_wan, t.final_total_wan,
       t.final_total_wan - t.budget_total_wan as over_budget_wan,
       round(t.final_total_wan / nullif(t.budget_total_wan, 0) * 100, 1) as execution_pct,
       t.budget_overseas_wan, t.final_overseas_wan,
       t.budget_reception_wan, t.final_reception_wan,
       t.budget_vehicle_purchase_wan, t.final_vehicle_purchase_wan,
       t.budget_vehicle_operation_wan, t.final_vehicle_operation_wan,
       t.narrative_completion_reason
from fct_final_three_public as t
inner join dim_unit as u on t.unit_key = u.unit_key
where t.budget_total_wan is not null or t.final_total_wan is not null
order by over_budget_wan desc;
