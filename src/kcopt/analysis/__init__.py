"""Analyse a solved plan: reasons and tables (report, wording), infeasibility diagnosis, unspent
money, what-if and sensitivity — no files, no plots."""
