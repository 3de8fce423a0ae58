"""Pure-Python trading domain: no Django imports allowed (a unit test enforces it)."""
