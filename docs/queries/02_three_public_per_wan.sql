-- Question: Who spends most on the “三公” (three public expenses), per 万元 of total budget?
-- One row per: unit_name, doc_kind, year
select u.unit_name, u.doc_kind, t.year, t.total_wan as three_public_wan, t.reception_wan, t.vehicle_total_wan,
       round(m.three_public_per_wan_of_total * 10000, 1) as three_public_per_10k_wan
from fct_three_public t
join dim_unit u using (unit_key)
join mart_unit_year m using (unit_key, year)
order by three_public_per_10k_wan desc;
