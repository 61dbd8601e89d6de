"""What the tests and the benchmarks share, kept out of the product package (it is not in the wheel): loopback web
and mail servers, a fake Stripe, subprocess helpers, and the pytest plugin that sets up the test environment.

Benchmarks reuse the same servers, so the simulated web is one piece of code.
"""
