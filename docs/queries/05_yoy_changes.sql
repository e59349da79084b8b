-- Question: Which units' budgets changed most on last year's budget, as their narratives state it
--   (basic and project spending, 机关运行经费, 一般公共预算 income)?
-- One row per: unit_name, doc_kind, year, item_kind
-- A narrative often states the same change twice (支出 section and 一般公共预算 section), and the
-- 一般公共预算 section's 基本/项目 cover one fund only: the whole-budget statement is kept where
-- there is one (scope says which), so the rows can be summed without double counting.
with statements as (

    select
        u.unit_name, u.doc_kind, c.year, c.item_kind, c.item_label, c.prior_wan, c.current_wan, c.change_wan, c.change_pct,
        c.pct_consistent,
        case when c.section = 'gpb' then '一般公共预算 general public budget' else '全部资金 all funds' end as scope,
        row_number() over (
            partition by c.unit_key, c.year, c.item_kind
            order by case when c.section = 'gpb' then 1 else 0 end, c.statement_seq
        ) as kept
    from fct_budget_change c
    join dim_unit u using (unit_key)
    where c.prior_basis = 'budget' and c.item_kind in ('basic', 'project', 'operating_funds', 'income_general_public_budget')

)

select unit_name, doc_kind, year, item_kind, scope, item_label, prior_wan, current_wan, change_wan, change_pct, pct_consistent
from statements
where kept = 1
order by abs(change_wan) desc;
