"""The regulation as data: support levels (national, provincial, by date), caps and eligibility,
priority multipliers and the management top-slice."""
