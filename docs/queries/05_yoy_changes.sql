-- What changed most on last year's budget, as each narrative states it (budget basis only)?
select u.unit_name, c.year, c.item_kind, c.item_label, c.prior_wan, c.current_wan, c.change_wan, c.change_pct, c.pct_consistent
from fct_budget_change c
join dim_unit u using (unit_key)
where c.prior_basis = 'budget' and c.item_kind in ('basic', 'project', 'operating_funds', 'income_general_public_budget')
order by abs(c.change_wan) desc;
