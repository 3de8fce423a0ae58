"""The Binance-compatible exchange simulator (design §3); the matching engine lives in `engine`."""
