{#- A one-digit correction of a failing check (models/quality/dq_check_result.sql), proposed for
    documents with pages read by OCR, never applied: OCR misreads single digits (5 → S → 3,
    7 → 1), so a check failing by k × 10^p (one digit, k in 1..9, within the check's tolerance)
    is what one misread digit does.

    The figure checked (expected_wan, e.g. a printed total) and what it is checked against
    (actual_wan, e.g. the sum of its parts) that differ in that one digit only (the same digits
    above it and below it) name the correction: the checked figure read as the other. Otherwise
    one of the figures summed is off by that digit. Null when the difference is not one digit. -#}
{% macro one_digit_correction(expected, actual, tolerance) -%}
    {%- set gap = 'cast(abs(' ~ actual ~ ' - ' ~ expected ~ ') as double)' -%}
    {%- set place = 'pow(10, floor(log10(' ~ gap ~ ')))' -%}
    {%- set k = 'round(' ~ gap ~ ' / ' ~ place ~ ')' -%}
    case
        when {{ expected }} is null or {{ actual }} is null or {{ actual }} = {{ expected }} then null
        when abs({{ gap }} - {{ k }} * {{ place }}) > coalesce({{ tolerance }}, 0) or {{ k }} not between 1 and 9 then null
        when floor(abs({{ expected }}) / (10 * {{ place }})) = floor(abs({{ actual }}) / (10 * {{ place }}))
            then 'one digit: the checked figure ' || {{ expected }} || ' read as ' || {{ actual }}
                || ' (its ' || printf('%g', {{ place }}) || ' place) fixes the check'
        else 'one digit: a figure it sums off by ' || printf('%g', {{ k }} * {{ place }})
            || ' (the ' || printf('%g', {{ place }}) || ' place) fixes the check'
    end
{%- endmacro %}
