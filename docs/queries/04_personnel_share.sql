-- Question: How much of basic spending goes to personnel (人员经费) rather than running costs (公用经费)?
-- One row per: unit_name, doc_kind, year
select unit_name, doc_kind, year, personnel_wan, public_wan, round(personnel_share_of_basic * 100, 1) as personnel_pct
from mart_unit_year
order by personnel_pct desc;
