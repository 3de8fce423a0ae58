"""Operator control: pause / resume / flatten requests and the kill-switch file (design §2)."""
