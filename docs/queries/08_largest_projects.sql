-- Question: Which are the largest projects across all units, and under which functional subject?
-- One row per: unit_name, year, project_name, subject_code
select u.unit_name, p.year, p.project_name, p.subject_code, s.subject_name, p.amount_wan
from fct_project p
join dim_unit u using (unit_key)
left join dim_subject s on s.subject_code = p.subject_code and s.classification = 'function'
order by p.amount_wan desc
limit 20;
