{#- The rounding allowance of the reconciliation checks (models/quality/dq_check_result.sql), in
    one place.

    The rule: a printed figure is exact to half its last printed digit, in the unit its table
    prints. A check comparing figures allows the sum of each figure's own allowance (N figures
    of one table: N × that table's allowance), converted to 万元. Rounding never fails a check;
    a printing or conversion error larger than that does.

        table in 元,  2 decimals (1,234.56):       0.005 元    = 0.0000005 万元 per figure
        table in 元,  0 decimals (12,345,678):     0.5 元      = 0.00005 万元
        table in 万元, 2 decimals (1,234.56):      0.005 万元
        table in 万元, 6 decimals (1,234.567890):  0.0000005 万元
        table in 亿元, 2 decimals:                  0.005 亿元   = 50 万元

    Every other number a check uses is a named threshold of check_threshold() below, with why. -#}

{#- Half the last printed digit of a table, in 万元: 0.5 × 10^(−decimals) × the unit's factor to 万元.
    Exact (a decimal, not a double), so a difference equal to the allowance passes. -#}
{% macro half_printed_digit_wan(published_unit, printed_decimals) -%}
    (cast(0.5 * pow(10, -least(coalesce({{ printed_decimals }}, {{ check_threshold('unknown_table_decimals') }}), 11)) as decimal(38, 12))
        * case {{ published_unit }} when '元' then 0.0001 when '亿元' then 10000 else 1 end)
{%- endmacro %}

{#- The allowance of one figure a narrative sentence states (in 万元, to check_threshold('narrative_decimals')). -#}
{% macro narrative_figure_allowance_wan() -%}
    {{ half_printed_digit_wan("'万元'", check_threshold('narrative_decimals')) }}
{%- endmacro %}

{#- Whether two figures agree within the allowance; a pair of which neither is printed agrees
    (a blank is no figure), one printed against a blank does not. -#}
{% macro figures_agree(expected, actual, tolerance) -%}
    ({{ expected }} is null and {{ actual }} is null
        or abs(coalesce({{ expected }}, 0) - coalesce({{ actual }}, 0)) <= {{ tolerance }})
{%- endmacro %}

{#- How far a stated percentage may be from 100 × change / prior (prior = current − change, the
    sentence's two amounts, each off by up to a = one narrative allowance): half the percentage's
    own last printed digit, plus the largest move of 100 × change / prior over the corners of
    current ± a, change ± a (the quotient is monotonic in each, so its extremes are corners).
    NULL where the prior year is within 2a of zero: the printed amounts do not fix it, and any
    percentage is consistent with them. -#}
{% macro stated_pct_tolerance(pct_decimals, current_wan, change_wan) -%}
    {%- set a = narrative_figure_allowance_wan() -%}
    {%- set prior = '(' ~ current_wan ~ ' - ' ~ change_wan ~ ')' -%}
    case when abs({{ prior }}) > 2 * {{ a }} then
        cast(0.5 * pow(10, -coalesce({{ pct_decimals }}, {{ check_threshold('unknown_pct_decimals') }})) as decimal(38, 12))
        + greatest(
            {%- for current_sign, change_sign in [('+', '+'), ('+', '-'), ('-', '+'), ('-', '-')] %}
            abs(100 * ({{ change_wan }} {{ change_sign }} {{ a }}) / ({{ current_wan }} {{ current_sign }} {{ a }} - ({{ change_wan }} {{ change_sign }} {{ a }}))
                - 100 * {{ change_wan }} / {{ prior }}){{ ',' if not loop.last }}
            {%- endfor %}
        )
    end
{%- endmacro %}

{#- The thresholds that are not the rule above, each with its reason. -#}
{% macro check_threshold(name) -%}
    {%- set thresholds = {
        'narrative_decimals': 2,
        'unknown_table_decimals': 2,
        'unknown_pct_decimals': 2,
        'factor_10000_low': 9000,
        'factor_10000_high': 11000,
    } -%}
    {#- narrative_decimals: a sentence states its amounts in 万元 to two decimals (“1234.56万元”); the
            staged narrative facts keep the value, not the digits it was printed with.
        unknown_table_decimals: a table whose cells the parser found no figure in (printed_decimals
            NULL) but whose figures were read elsewhere: the common template's 2 decimals.
        unknown_pct_decimals: a percentage whose printed digits were not recorded: 2 (“6.18%”).
        factor_10000_low / _high: the 收支总表's 收入总计 and the 支出总表's 总计 state one budget; a
            ratio of 9,000–11,000 between them (10,000 ± 10%, room for a table that leaves a part
            out) is one of them printed in 元 where 万元 was meant, or the reverse.
    -#}
    {%- if name not in thresholds -%}
        {{ exceptions.raise_compiler_error("check_threshold: no threshold named '" ~ name ~ "' (macros/tolerance.sql)") }}
    {%- endif -%}
    {{ thresholds[name] }}
{%- endmacro %}
