"""Start-up: the wiring run_app calls (instance lock, till, first run or sign-in, idle
lock), the first-run wizard and the start-up probe."""
