"""Plugipay sync in the window: the sync bridge, conflicts dialog and Settings ›
Plugipay."""
