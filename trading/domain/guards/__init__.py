"""Guards and filters: small classes named for what they check, each with a description and its
parameters declared once (freqtrade's plugin shape without its duplicated defaults)."""
