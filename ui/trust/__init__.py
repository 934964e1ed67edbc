"""Trust widgets (issue 7): lock screen and idle lock, manager approval dialog,
staff page. Each takes `run`, a function like DbWorker.submit
(`run(fn, *args, on_done=..., on_error=...)` with `fn(ctx, *args)`); without
one the work runs at once on the given context (tests, small tools)."""
