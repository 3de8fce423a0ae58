"""Backtests: the live strategy, risk engine, intents and position arithmetic over recorded candles,
with every order matched by the simulator's engine in process under a simulated clock.

Entry points: `run_backtest` (engine.py), `load_series` (data.py), `run_walk_forward` and
`write_outputs` (run.py); `python manage.py backtest` and `python manage.py bench backtest`.
"""
