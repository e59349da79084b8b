-- Question: Who spends what on 社会保险经办机构 (2080109), and what share of their total is it?
-- One row per: unit_name, year
select unit_name, unit_level, year, total_wan, basic_wan, project_wan, round(share_of_unit_total * 100, 1) as pct_of_total
from mart_subject_comparison
where classification = 'function' and subject_code = '2080109'
order by total_wan desc;
