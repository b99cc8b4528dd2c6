"""Benchmark tooling of the ESMS numérique platform, kept apart from the product package ``esmsnum``.

``esmsnum bench …`` loads these modules; the product never imports them. Each benchmark runs the product's own code
path in a child process and prints figures (never a timed test).
"""
