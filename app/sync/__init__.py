"""Plugipay sync: the outbox sender, the event puller, conflicts, credentials.

Entry points: `engine.SyncEngine` (one pass), `runner.SyncRunner` (background
thread for the app), `emails.send_invoice` / `queue_reminders`,
`conflicts.list_conflicts` / `resolve`, `credentials.save` / `load`,
`demo.start_demo_sandbox`. Nothing here imports Qt.

Decisions:
- An issued invoice is created on Plugipay in one request with `status: open`
  (Plugipay numbers it then); the request's exact bytes are stored
  (`sync_requests`) before the first send and resent with the same key.
- `metadata.kasirInvoiceId/kasirLocalNumber` mark the till's own invoices so
  the puller never imports them as foreign, even before the till has heard
  back from a lost response.
- The puller only moves an invoice forward (open -> paid/void/written off) and
  leaves alone an invoice with operations still queued; a refusal (409 ...)
  takes Plugipay's state and records a conflict.
- The heads of different lanes (one per invoice or customer) are sent
  concurrently, up to a window (`window.Pacer`: setting `sync.window`, default
  8; AIMD on 429; `sync.max_rate`); a lane never has two operations out, so
  per-aggregate order holds for any new operation kind in an existing lane.
  With a window above 1, Plugipay's invoice numbers follow arrival order, not
  strictly the till's (window 1 keeps the till's order).
- Invoices made elsewhere get till code "WEB", no local number, and Plugipay's
  number; a payment made online gets a local receipt from the syncing till's
  series, linked to Plugipay's receipt id.
"""
