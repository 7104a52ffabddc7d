"""Operators: each validates its model, calls one function, and reports."""
