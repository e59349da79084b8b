{# Incremental by document. Every row of a fact comes from one document, so a nightly run
   builds only the eligible documents not yet in the table, after a pre-hook has dropped the
   rows of documents that are no longer eligible (removed, superseded by a newer file for the
   same unit and year, or turned into a duplicate). A document's id is the hash of its content,
   so a changed file is a new document. The first run, and `--full-refresh` (which `budget build`
   passes when the dbt project, the parser or the place dictionary changed), build everything.

   In a model:
       {{ incremental_by_document_config('current') }}
       {%- set to_build = documents_to_build('current') %}
       ... from {{ ref('stg_...') }} where {{ document_filter(to_build) }}

   scope: 'current' — the one current document per unit, scope and year (the facts);
          'read'    — every document read, duplicates excepted (status and quality tables);
          'loaded'  — every document loaded in whole or in part (per-document scores).

   in_batches=true, for a model whose query holds several working copies of its inputs at once
   (dq_check_result: a full build of 20,000 documents needs more than the memory ceiling): a
   pre-hook numbers the documents to build in batches of var('document_batch_size'), in
   document_id order, in a work table beside the model; the model reads the first batch, and a
   post-hook runs the same compiled query for each further batch. Memory is bounded by the batch,
   not the corpus; a one-document night is one batch. Pass the same flag to both macros:
       {{ incremental_by_document_config('read', in_batches=true) }}
       {%- set to_build = documents_to_build('read', in_batches=true) %} #}

{% macro eligible_documents(scope) -%}
    select document_id from {{ ref('int_documents_ranked') }}
    where {% if scope == 'current' %}is_current{% elif scope == 'read' %}status <> 'duplicate'{% elif scope == 'loaded' %}status in ('loaded', 'partial'){% else %}{{ exceptions.raise_compiler_error("eligible_documents: scope must be 'current', 'read' or 'loaded', not '" ~ scope ~ "'") }}{% endif %}
{%- endmacro %}

{% macro incremental_by_document_config(scope, in_batches=false) -%}
    {%- set pre_hook = ["{{ delete_ineligible_documents('" ~ scope ~ "') }}"] -%}
    {%- if in_batches -%}
        {%- do pre_hook.append("{{ number_document_batches('" ~ scope ~ "') }}") -%}
    {%- endif -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=pre_hook,
        post_hook=(["{{ build_remaining_document_batches() }}"] if in_batches else []),
    ) }}
-- depends_on: {{ ref('int_documents_ranked') }}
{%- endmacro %}

{% macro delete_ineligible_documents(scope) -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where document_id not in ({{ eligible_documents(scope) }})
    {%- endif -%}
{%- endmacro %}

{# The documents to build this run: none (meaning all) on a full build, else the eligible
   documents that have no rows in the table yet. #}
{% macro documents_to_build(scope, in_batches=false) -%}
    {%- if in_batches -%}
        {{ return({'batches': document_batches_relation()}) }}
    {%- endif -%}
    {%- if is_incremental() and execute -%}
        {%- set missing = run_query(eligible_documents(scope) ~ " except select document_id from " ~ this) -%}
        {{ return(missing.columns[0].values() | list) }}
    {%- endif -%}
    {{ return(none) }}
{%- endmacro %}

{# A filter for the model's source rows. The ids are written into the SQL as constants, so
   DuckDB pushes the filter into every scan. #}
{% macro document_filter(to_build, column='document_id') -%}
    {%- if to_build is none -%}
        true
    {%- elif to_build is mapping -%}
        {{ column }} in (select document_id from {{ to_build.batches }} where batch_no = (select min(batch_no) from {{ to_build.batches }}))
    {%- elif to_build -%}
        {{ column }} in ('{{ to_build | join("', '") }}')
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}

{# Batches (in_batches=true): the work table, filled before the model's query runs, emptied batch
   by batch after it, then dropped. #}
{% macro document_batches_relation() -%}
    {{ return(api.Relation.create(database=this.database, schema=this.schema, identifier=this.identifier ~ '__document_batches')) }}
{%- endmacro %}

{% macro number_document_batches(scope) -%}
    create or replace table {{ document_batches_relation() }} as
    select document_id, (row_number() over (order by document_id) - 1) // {{ var('document_batch_size') | int }} as batch_no
    from ({{ eligible_documents(scope) }}{% if is_incremental() %} except select document_id from {{ this }}{% endif %})
{%- endmacro %}

{% macro build_remaining_document_batches() -%}
    {%- set batches = document_batches_relation() -%}
    {%- if execute -%}
        {%- set count = run_query("select count(distinct batch_no) from " ~ batches).columns[0].values()[0] -%}
        {%- for _ in range(1, count) -%}
            {%- do run_query("delete from " ~ batches ~ " where batch_no = (select min(batch_no) from " ~ batches ~ ")") -%}
            {%- do run_query("insert into " ~ this ~ " by name " ~ model.compiled_code) -%}
        {%- endfor -%}
    {%- endif -%}
    drop table if exists {{ batches }}
{%- endmacro %}
