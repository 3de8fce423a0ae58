"""The trader's cycle wiring (design §4): the venue, the market loop and the per-tick cycle.

`TraderWorker` calls `TraderCycle` steps; the domain stages stay pure, this package does the I/O.
"""
