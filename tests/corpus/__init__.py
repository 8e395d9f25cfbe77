"""Faithful copies of published khuyến công plans (tests/corpus/plans.py builds them): the
layouts provinces and the Ministry publish, with the source and its date in a "Nguồn" cell of
each sheet, and the facts a reader must find in each."""
