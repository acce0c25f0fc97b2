"""Fixtures shared by the whole suite: a local web site, a local SMTP server, a database."""

pytest_plugins = ["tests.httpsite", "tests.smtpsink", "tests.daemons"]
