-- Labelled-line table items of current documents, one amount per row.
with final as (

    {{ rows_of_current_documents(ref('stg_parsed__line_items')) }}

)

select * from final
