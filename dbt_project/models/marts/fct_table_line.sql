{{ incremental_by_document_config('current') }}
-- Every line of the labelled tables, long format: 收支总表 (income lines and expenditure by 类),
-- 财政拨款收支总表, “三公”经费, 委托业务费, 上年结转结余. Blank cells are kept as NULL.
with items as (

    select * from {{ ref('int_line_items_current') }}
    where {{ document_filter() }}

),

final as (

    select
        unit_key,
        cast(year as integer) as year,
        document_id,
        table_kind,
        cast(row_seq as integer) as row_seq,
        side,
        line_label,
        item_key,
        subject_code,
        measure,
        cast(amount_wan as decimal(20, 6)) as amount_wan,
        source_line,
        page,
        read_method,
        ocr_confidence
    from items

)

select * from final
