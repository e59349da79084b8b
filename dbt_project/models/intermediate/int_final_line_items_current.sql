-- Labelled-line table items (收入支出决算总表, 财政拨款收入支出决算总表, “三公” 决算表) of current
-- final accounts, one amount per row.
with final as (

    {{ rows_of_current_documents(ref('stg_parsed__line_items'), phase='final') }}

)

select * from final
