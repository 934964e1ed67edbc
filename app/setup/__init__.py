"""First-run setup (issue 9): what the setup wizard asks, checked and applied
without Qt, so it can be tested and reused by other front ends."""
