"""Pure-Python domain core: campaign rules, funding, FINESS numbers, usage indicators.

Nothing in this package imports Django; `tests/domain/test_purity.py` enforces it.
"""
