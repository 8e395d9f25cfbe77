"""Figures (matplotlib): the charts of a run (`charts`) and of a sensitivity suite
(`sensitivity`); `kcopt.present.plots` draws them from records for notebooks."""
