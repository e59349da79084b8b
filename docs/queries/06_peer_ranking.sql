-- Question: How does each unit rank against peers of the same level and type (e.g. county-level 社会保险中心)?
-- One row per: unit_name, year, peer_level, metric
select u.unit_name, p.year, p.peer_level, p.peer_unit_type, p.metric, p.metric_value, p.peer_rank, p.peer_count,
       p.peer_median, p.difference_from_median
from mart_peer_comparison p
join dim_unit u using (unit_key)
where p.metric in ('total_budget_wan', 'three_public_per_wan_of_total', 'personnel_share_of_basic')
order by p.metric, p.peer_level, p.peer_rank;
