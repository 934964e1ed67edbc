"""Bank statement import, matching of credits to invoices, and end-of-day shift close."""
