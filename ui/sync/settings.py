"""Settings › Plugipay connection (key id, secret, address: saved in the OS
keyring, never in Kasir's files), Test connection, Forget; payment reminders
(every N days, on or off); a way to the sync conflicts."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QSpinBox, QVBoxLayout)

from app.domain.errors import ValidationError
from app.i18n import _, _n
from app.sync.credentials import DEFAULT_BASE_URL
from app.sync.emails import reminder_settings, set_reminders

from ui.common.changes import Change
from ui.common.forms import Banner, FormErrors, problems_of
from ui.sync.bridge import forget_credentials, load_credentials, save_credentials, test_connection

KEY_ID_EXAMPLE = "ak_live_…"  # the form of a Plugipay key id, not text


class ConnectionBox(QGroupBox):
    """Needs the SyncBridge (its `net` worker does the keyring and the test)."""

    def __init__(self, sync, parent=None):
        super().__init__(_("Plugipay connection"), parent)

        self.sync = sync
        self.banner = Banner()
        self.errors = FormErrors(self.banner)
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.key_id = QLineEdit()
        self.key_id.setPlaceholderText(KEY_ID_EXAMPLE)
        self.secret = QLineEdit()
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(_("shown once in the Plugipay dashboard"))
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        for w, name in ((self.key_id, _("Key id")), (self.secret, _("Secret")),
                        (self.base_url, _("Plugipay address"))):
            w.setAccessibleName(name)
        self.save_button = QPushButton(_("Save and connect"))
        self.test_button = QPushButton(_("Test connection"))
        self.forget_button = QPushButton(_("Forget the key"))
        self.conflicts_button = QPushButton(_("Sync conflicts…"))
        form = QFormLayout()
        form.addRow(_("Key id"), self._field("key_id", self.key_id))
        form.addRow(_("Secret"), self._field("secret", self.secret))
        form.addRow(_("Address"), self._field("base_url", self.base_url))
        buttons = QHBoxLayout()
        for b in (self.save_button, self.test_button, self.forget_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.conflicts_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.banner)
        lay.addWidget(self.state)
        lay.addLayout(form)
        lay.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.test_button.clicked.connect(self.test)
        self.forget_button.clicked.connect(self.forget)
        sync.status_changed.connect(self.show_state)
        sync.connection_changed.connect(self.show_state)
        self.show_state()

    def _field(self, name, widget):
        box = QVBoxLayout()
        box.setSpacing(1)
        box.addWidget(widget)
        box.addWidget(self.errors.add(name, widget))
        return box

    def load(self) -> None:
        self.sync.net.submit(load_credentials, key=f"{id(self)}:load", on_done=self._fill,
                             on_error=lambda _e: None)

    def _fill(self, creds) -> None:
        self.secret.clear()  # the secret never comes back to the screen
        if creds is None:
            self.key_id.clear()
            self.base_url.clear()
            self.secret.setPlaceholderText(_("shown once in the Plugipay dashboard"))
            self.state.setText(_("This till is not connected to Plugipay: sales are kept here "
                                 "and wait to be sent."))
            return
        self.key_id.setText(creds.key_id)
        self.base_url.setText(creds.base_url)
        self.secret.setPlaceholderText(_("stored — type a new one to change it"))
        where = (_("this computer's password store") if creds.source == "keyring"
                 else _("the environment (PLUGIPAY_KEY_ID / PLUGIPAY_SECRET)"))
        self.state.setText(_("Connected with key {key_id} from {where}.", key_id=creds.key_id,
                             where=where))

    def show_state(self) -> None:
        self.forget_button.setEnabled(True)
        if self.sync.status is not None and self.sync.status.state == "error":
            self.banner.show_message(self.sync.status.message, "error")

    def _form(self):
        return (self.key_id.text().strip(), self.secret.text().strip(),
                self.base_url.text().strip())

    def _busy(self, busy: bool) -> None:
        for b in (self.save_button, self.test_button, self.forget_button):
            b.setEnabled(not busy)

    def save(self) -> None:
        self._busy(True)
        self.sync.net.submit(save_credentials, *self._form(), on_done=self._saved,
                             on_error=self._refused)

    def _saved(self, creds) -> None:
        self._busy(False)
        self.errors.clear()
        self._fill(creds)
        self.banner.show_message(_("Saved in this computer's password store. Syncing with "
                                   "{address}.", address=creds.base_url), "ok")
        self.sync.start()
        self.sync.wake()

    def _refused(self, exc) -> None:
        self._busy(False)
        self.errors.show(problems_of(exc))

    def test(self) -> None:
        self._busy(True)
        self.banner.show_message(_("Asking Plugipay…"), "info")
        key_id, secret, base_url = self._form()
        if not secret:
            # Test the stored key when the secret field was left empty.
            def stored(creds):
                if creds is None:
                    self._refused(_missing_secret())
                    return
                self.sync.net.submit(test_connection, creds.key_id, creds.secret,
                                     creds.base_url, on_done=self._tested,
                                     on_error=self._refused)
            self.sync.net.submit(load_credentials, on_done=stored, on_error=self._refused)
            return
        self.sync.net.submit(test_connection, key_id, secret, base_url, on_done=self._tested,
                             on_error=self._refused)

    def _tested(self, sentence: str) -> None:
        self._busy(False)
        self.errors.clear()
        self.banner.show_message(sentence, "ok")

    def forget(self) -> None:
        self._busy(True)
        self.sync.net.submit(forget_credentials, on_done=self._forgotten, on_error=self._refused)

    def _forgotten(self, had: bool) -> None:
        self._busy(False)
        self.errors.clear()
        self.sync.stop()
        self.banner.show_message(_("The Plugipay key was removed from this computer; sales "
                                   "wait here until a key is saved again.") if had else
                                 _("No Plugipay key was stored on this computer."), "ok")
        self.load()


def _missing_secret():
    return ValidationError(_("Enter the Plugipay secret for that key."), field="secret")


# ── reminders (DB worker) ────────────────────────────────────────────
def load_reminders(ctx) -> dict:
    return reminder_settings(ctx)


def save_reminders(ctx, enabled: bool, every_days: int) -> dict:
    return set_reminders(ctx, enabled=enabled, every_days=every_days)


class RemindersBox(QGroupBox):
    def __init__(self, worker, bus, parent=None):
        super().__init__(_("Payment reminders"), parent)
        self.worker, self.bus = worker, bus
        self.banner = Banner()
        self.enabled = QCheckBox(_("Email open invoices to the customer again until paid"))
        self.every = QSpinBox()
        self.every.setRange(1, 90)
        self.every.setSuffix(_(" days"))
        self.every.setAccessibleName(_("Remind every"))
        self.save_button = QPushButton(_("Save reminders"))
        form = QFormLayout(self)
        form.addRow(self.banner)
        form.addRow("", self.enabled)
        form.addRow(_("Every"), self.every)
        form.addRow("", self.save_button)
        self.enabled.toggled.connect(self.every.setEnabled)
        self.save_button.clicked.connect(self.save)

    def load(self) -> None:
        self.worker.submit(load_reminders, key=f"{id(self)}:load", on_done=self._fill,
                           on_error=lambda _e: None)

    def _fill(self, cfg: dict) -> None:
        self.enabled.setChecked(cfg["enabled"])
        self.every.setValue(cfg["everyDays"])
        self.every.setEnabled(cfg["enabled"])

    def save(self) -> None:
        self.worker.submit(save_reminders, self.enabled.isChecked(), self.every.value(),
                           on_done=self._saved,
                           on_error=lambda e: self.banner.show_message(problems_of(e)[0][1]))

    def _saved(self, cfg: dict) -> None:
        self._fill(cfg)
        self.banner.show_message(
            _n("Open invoices are emailed again every day.",
               "Open invoices are emailed again every {n} days.", cfg["everyDays"])
            if cfg["enabled"] else _("Payment reminders are off."), "ok")
        self.bus.announce(Change.SETTINGS, self)
