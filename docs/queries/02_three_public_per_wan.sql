-- “三公”经费: who spends most on the three public expenses, per 万元 of total budget?
select u.unit_name, t.year, t.total_wan as three_public_wan, t.reception_wan, t.vehicle_total_wan,
       round(m.three_public_per_wan_of_total * 10000, 1) as three_public_per_10k_wan
from fct_three_public t
join dim_unit u using (unit_key)
join mart_unit_year m using (unit_key, year)
order by three_public_per_10k_wan desc;
