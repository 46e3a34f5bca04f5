"""The action programme and its monitoring: goals, measures, indicators, their evaluation.

Pure parts (``spec``, ``catalogue``, ``csv_import``, ``review``) validate and compute without a
database; ``programme`` holds the use cases on top of the engine's Service, ``carry_over`` copies
a cycle's programme into the next cycle, ``assessment`` gathers what the evaluation and the
report show.
"""
