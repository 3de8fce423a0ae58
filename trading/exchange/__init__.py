"""Binance adapters: the real API client and the shipped simulator (design §3)."""
