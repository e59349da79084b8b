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
          'read'    — every document read, duplicates excepted (status and quality tables). #}

{% macro eligible_documents(scope) -%}
    select document_id from {{ ref('int_documents_ranked') }}
    where {% if scope == 'current' %}is_current{% elif scope == 'read' %}status <> 'duplicate'{% else %}{{ exceptions.raise_compiler_error("eligible_documents: scope must be 'current' or 'read', not '" ~ scope ~ "'") }}{% endif %}
{%- endmacro %}

{% macro incremental_by_document_config(scope) -%}
    {{ config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_ineligible_documents('" ~ scope ~ "') }}",
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
{% macro documents_to_build(scope) -%}
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
    {%- elif to_build -%}
        {{ column }} in ('{{ to_build | join("', '") }}')
    {%- else -%}
        false
    {%- endif -%}
{%- endmacro %}
