-- Question: Which documents are least complete or inconsistent, which checks fail, and where should one look?
-- One row per: file_name, check_name, subject, cells
select d.file_name, d.unit_name, d.year, c.completeness_score, c.missing_items,
       q.check_name, q.subject, q.expected_wan, q.actual_wan, q.cells
from document_status d
left join mart_disclosure_completeness c using (document_id)
left join dq_check_result q on q.document_id = d.document_id and q.status = 'fail'
order by c.completeness_score, d.file_name;
