"""Bank reconciliation and the shift close (Z report)."""
