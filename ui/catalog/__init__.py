"""Customers and items: their pages, add/edit dialogs and the customer picker."""
