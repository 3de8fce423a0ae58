"""Daily report and backtest report: pure records/figures/HTML plus the Django-side collector and job.

`records`, `figures` and `html` are plain Python (no Django) so the backtest can reuse them.
"""
