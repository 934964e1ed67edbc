"""Slips: layout, ESC/POS rendering, printer connections and the print queue.

For the app and other features:
- `slip_model.build_slip(ctx, ref, kind)` -> `Slip`; `slip_layout.render_slip_lines(slip,
  columns, codepage)` -> text lines for a preview; `layout_slip` -> blocks (text, QR, logo).
- `escpos_render.render_escpos(slip, profile, columns, codepage)` -> bytes.
- `queue`: `enqueue_slip`, `reprint_job`, `list_jobs`, `process_queue(ctx, connector)`,
  `cancel_job`, `retry_now`, `after_issue`, `after_payment`.
- `config`: `PrinterConfig`, `load_config`, `save_config`; `profiles.PROFILES`.
- `service`: `preview_lines`, `test_slip`, `printer_status`, `find_usb_printers`.
- `testing`: `FakeUsbBackend`, `FakeUsbDevice`, `LoopbackPrinter` emulators.
Nothing here imports Qt; python-escpos is imported lazily (see `escpos_lib`).
"""
