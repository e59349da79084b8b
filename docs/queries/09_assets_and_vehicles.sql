-- Question: What buildings, vehicles and large equipment does each unit hold, and what is a vehicle worth on average?
-- One row per: unit_name, doc_kind, year
select u.unit_name, u.doc_kind, a.year, a.as_of_year, a.house_area_m2, a.house_value_wan, a.vehicle_count, a.vehicle_value_wan,
       round(a.vehicle_value_wan / nullif(a.vehicle_count, 0), 2) as value_per_vehicle_wan,
       a.equipment_over_50w_count, a.equipment_over_100w_count
from fct_assets a
join dim_unit u using (unit_key)
order by a.vehicle_count desc;
