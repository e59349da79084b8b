-- Question: How is each unit's basic spending split by economic class (301 工资福利 / 302 商品和服务 / 303 对个人和家庭的补助)?
-- One row per: unit_name, year, subject_code
select u.unit_name, e.year, e.subject_code, s.subject_name, e.total_wan, e.personnel_wan, e.public_wan
from fct_economic_spending e
join dim_unit u using (unit_key)
join dim_subject s on s.subject_code = e.subject_code and s.classification = 'economic'
where e.spending_type = 'basic' and length(e.subject_code) = 3
order by u.unit_name, e.subject_code;
