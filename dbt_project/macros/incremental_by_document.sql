{# Incremental by document, in batches. Every row of these models comes from one document, so:

   - a nightly run builds only the eligible documents not yet in the table, after a pre-hook has
     dropped the rows of documents that are no longer eligible (removed, superseded by a newer
     file for the same unit and year, or turned into a duplicate). A document's id is the hash of
     its content, so a changed file is a new document. The first run, and `--full-refresh` (which
     `budget build` passes when the dbt project, the parser or the place dictionary changed),
     build every eligible document;
   - the documents to build are numbered in batches of var('document_batch_size') (1,000), in
     document_id order, in a work table beside the model. The model's query reads the first
     batch; a post-hook runs the same compiled query for each further batch, then drops the work
     table. Memory is bounded by the batch, not the corpus (a full build of 20,000 documents in
     one query ran out of a 384MB ceiling); a one-document night is one batch. Batches are
     ranges of document_id, so DuckDB's join filter narrows every scan to the batch.

   In a model:
       {{ incremental_by_document_config('current') }}
       ... from {{ ref('stg_...') }} where {{ document_filter() }}

   scope: 'current' — the one current budget document per unit, scope and year (the facts);
          'final'   — the one current final-accounts document per unit, scope and year (fct_final_*);
          'read'    — every document read, duplicates excepted (status and quality tables);
          'loaded'  — every document loaded in whole or in part, and current final accounts (per-document scores). #}

{% macro eligible_documents(scope) -%}
    select document_id from {{ ref('int_documents_ranked') }}
    where {% if scope == 'current' %}is_current{% elif scope == 'final' %}is_current_final{% elif scope == 'read' %}status <> 'duplicate'{% elif scope == 'loaded' %}status in ('loaded', 'partial') or is_current_final{% else %}{{ exceptions.raise_compiler_error("eligible_documents: scope must be 'current', 'final', 'read' or 'loaded', not '" ~ scope ~ "'") }}{% endif %}
{%- endmacro %}

{% macro incremental_by_document_config(scope) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_ineligible_documents('" ~ scope ~ "') }}",
            "{{ number_document_batches('" ~ scope ~ "') }}",
        ],
        post_hook="{{ build_remaining_document_batches() }}",
    ) }}
-- depends_on: {{ ref('int_documents_ranked') }}
{%- endmacro %}

{% macro delete_ineligible_documents(scope) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where document_id not in ({{ eligible_documents(scope) }})
    {%- endif -%}
{%- endmacro %}

{% macro document_batches() -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__document_batches')) }}
{%- endmacro %}

{% macro number_document_batches(scope) -%}
    create or replace table {{ document_batches() }} as
    select document_id, (row_number() over (order by document_id) - 1) // {{ var('document_batch_size') | int }} as batch_no
    from ({{ eligible_documents(scope) }}{% if is_incremental() %} except select document_id from {{ this }}{% endif %})
{%- endmacro %}

{# The model's source rows of the current batch. #}
{% macro document_filter(column='document_id') -%}
    {%- set batches = document_batches() -%}
    {{ column }} in (select document_id from {{ batches }} where batch_no = (select min(batch_no) from {{ batches }}))
{%- endmacro %}

{% macro build_remaining_document_batches() -%}
    {%- set batches = document_batches() -%}
    {%- if execute -%}
        {%- set count = run_query("select count(distinct batch_no) from " ~ batches).columns[0].values()[0] -%}
        {%- for _ in range(1, count) -%}
            {%- do run_query("delete from " ~ batches ~ " where batch_no = (select min(batch_no) from " ~ batches ~ ")") -%}
            {%- do run_query("insert into " ~ this ~ " by name " ~ model.compiled_code) -%}
        {%- endfor -%}
    {%- endif -%}
    drop table if exists {{ batches }}
{%- endmacro %}
