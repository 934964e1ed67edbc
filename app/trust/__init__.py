"""Trust at the till: staff and roles, the tamper-evident history, backups,
start-up checks and the one-app-per-database lock (issue 7)."""
