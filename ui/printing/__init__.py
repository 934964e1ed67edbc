"""Slip printing in the window: the print queue, its status-bar indicator, Settings ›
Printer and the slip preview."""
