"""Execution: executor, protection manager, local stop guard and reconcile (design §7).

The modules named for a calculation (`pnl`, `guard`, `drift`, `plans`, `throttle`) are pure
Python; the ones that act (`executor`, `protection`, `reconcile`, `recovery`) call the
exchange port and write through `trading.services`.
"""
