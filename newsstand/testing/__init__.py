"""Test support shipped with the package (like django.test): loopback web servers and the pytest plugin.

Benchmarks reuse the same servers, so the simulated web is one piece of code.
"""
