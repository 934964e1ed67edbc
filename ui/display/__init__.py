"""The customer display (issue 16): a second window facing the customer."""
