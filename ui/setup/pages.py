"""The pages of the first-run wizard (ui/setup/first_run.py). Each page checks its
own answers with the core's rules (app/setup/first_run.py) before Next; none
of them writes anything: the wizard writes it all at the end."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPushButton, QRadioButton, QVBoxLayout,
                               QWidget, QWizardPage)

from app.domain.currency import CURRENCIES
from app.domain.errors import ValidationError
from app.i18n import N_, _, _n, gettext
from app.printing.config import PrinterConfig
from app.printing.profiles import PROFILES, get_profile
from app.setup.first_run import check_owner, check_till
from app.sync.credentials import DEFAULT_BASE_URL, validate

from ui.common.forms import FormErrors, problems_of
from ui.sync.settings import KEY_ID_EXAMPLE
from ui.trust.common import pin_field, pin_rules_label


class _Page(QWizardPage):
    """A page with a form, an error per field and a line for the rest."""

    def __init__(self, title: str, subtitle: str, parent=None):
        super().__init__(parent)
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.general = QLabel()
        self.general.setObjectName("error")
        self.general.setWordWrap(True)
        self.general.setStyleSheet("color: #B91C1C;")
        self.general.hide()
        self.errors = FormErrors()
        self.form = QFormLayout()
        lay = QVBoxLayout(self)
        lay.addLayout(self.form)
        lay.addWidget(self.general)
        lay.addStretch(1)
        self.first: QWidget | None = None

    def row(self, label: str, name: str, widget: QWidget, extra: QWidget | None = None):
        widget.setAccessibleName(label)
        box = QVBoxLayout()
        box.setSpacing(1)
        if extra is None:
            box.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget, 1)
            line.addWidget(extra)
            box.addLayout(line)
        box.addWidget(self.errors.add(name, widget))
        self.form.addRow(label, box)
        if self.first is None:
            self.first = widget
        return widget

    def show_problems(self, exc_or_text) -> None:
        problems = ([("", exc_or_text)] if isinstance(exc_or_text, str)
                    else problems_of(exc_or_text))
        self.errors.show(problems)
        loose = [m for f, m in problems if f not in self.errors.fields]
        self.general.setText(" ".join(loose))
        self.general.setVisible(bool(loose))
        for name, _m in problems:
            if name in self.errors.fields:
                self.errors.fields[name][0].setFocus()
                break

    def clear_problems(self) -> None:
        self.errors.clear()
        self.general.hide()

    def initializePage(self) -> None:  # noqa: N802 (Qt's name)
        if self.first is not None:
            self.first.setFocus()

    def checked(self, fn, *args) -> bool:
        """Run a core check; show what it refuses and stay on the page."""
        try:
            fn(*args)
        except Exception as exc:
            if not hasattr(exc, "code"):
                raise
            self.show_problems(exc)
            return False
        self.clear_problems()
        return True


class ShopPage(_Page):
    def __init__(self, parent=None):
        super().__init__(_("Your shop"), _("These details head every slip and invoice. Only the "
                                           "name is needed now; all of it can be changed in "
                                           "Settings."), parent)
        self.name = self.row(_("Shop name"), "name", QLineEdit())
        self.address = self.row(_("Address"), "address", QLineEdit())
        self.phone = self.row(_("Phone"), "phone", QLineEdit())
        self.tax_id = self.row(_("NPWP (tax id)"), "tax_id", QLineEdit())
        logo, self.browse = QLineEdit(), QPushButton(_("Choose…"))  # in that tab order
        self.logo = self.row(_("Logo (PNG)"), "logo_path", logo, self.browse)
        self.browse.clicked.connect(self._choose_logo)

    def _choose_logo(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Choose the shop's logo"), "",
                                               _("Pictures (*.png)"))
        if path:
            self.logo.setText(path)

    def values(self) -> dict:
        return {"name": self.name.text(), "address": self.address.text(),
                "phone": self.phone.text(), "tax_id": self.tax_id.text(),
                "logo_path": self.logo.text()}

    def validatePage(self) -> bool:  # noqa: N802
        return self.checked(self.wizard().check_shop)


class TillPage(_Page):
    def __init__(self, parent=None):
        super().__init__(_("This till"), _("Each till numbers its invoices on its own: the code "
                                           "starts every number it gives out (T1-000001)."),
                         parent)
        self.till_name = self.row(_("Till name"), "till_name", QLineEdit(_("Front till")))
        self.code = self.row(_("Till code"), "till_code", QLineEdit("T1"))
        self.code.setMaxLength(8)
        self.currency = self.row(_("Default currency"), "default_currency", QComboBox())

        for code in CURRENCIES:
            self.currency.addItem(code, code)

    def validatePage(self) -> bool:  # noqa: N802

        return (self.checked(check_till, self.code.text(), self.till_name.text())
                and self.checked(self.wizard().check_shop))


class OwnerPage(_Page):
    def __init__(self, parent=None):
        super().__init__(_("The owner's account"), _("The owner signs in with a PIN, adds "
                                                     "managers and cashiers, and approves voids "
                                                     "and write-offs."), parent)
        self.name = self.row(_("Owner's name"), "name", QLineEdit())
        self.name.setPlaceholderText(_("e.g. olga"))
        self.display = self.row(_("Shown as"), "display", QLineEdit())
        self.pin = self.row(_("PIN (4 to 8 digits)"), "pin", pin_field(_("PIN (4 to 8 digits)")))
        self.pin_again = self.row(_("PIN again"), "pin_again",
                                  pin_field(_("The same PIN again")))
        self.pin_rules = pin_rules_label()
        self.form.addRow("", self.pin_rules)

    def validatePage(self) -> bool:  # noqa: N802

        ok = self.checked(check_owner, self.name.text(), self.pin.text(), self.pin_again.text())
        if not ok:
            self.pin.clear()
            self.pin_again.clear()
        return ok


class PrinterPage(_Page):
    def __init__(self, parent=None):
        super().__init__(_("Receipt printer"), _("Leave the address empty to skip: slips then "
                                                 "wait until a printer is set up in Settings."),
                         parent)

        self.uri = QComboBox()
        self.find_button = QPushButton(_("Find USB printers"))
        self.uri.setEditable(True)
        self.uri.lineEdit().setPlaceholderText(
            _("{usb} or {tcp}", usb="usb://0416:5011", tcp="tcp://192.168.1.50:9100"))
        self.row(_("Printer address"), "uri", self.uri, self.find_button)
        self.profile = self.row(_("Printer model"), "profile", QComboBox())
        for p in PROFILES.values():
            self.profile.addItem(p.label, p.name)
        self.profile.setCurrentIndex(self.profile.findData("generic-58"))
        self.test_button = QPushButton(_("Print test slip"))
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.form.addRow("", self.test_button)
        self.form.addRow("", self.result)
        self.find_button.clicked.connect(self.find)
        self.test_button.clicked.connect(self.test)

    def config(self):
        """The PrinterConfig asked for, or None when skipped."""
        uri = self.uri.currentText().strip()
        if not uri:
            return None
        profile = get_profile(self.profile.currentData())
        return PrinterConfig(uri=uri, profile=profile.name, columns=profile.columns[0])

    def find(self) -> None:
        # looked up when called: tests replace app.printing.service's functions
        from app.printing.service import find_usb_printers

        self.result.setText(_("Looking for USB printers…"))

        def found(printers) -> None:
            current = self.uri.currentText()
            self.uri.clear()
            for p in printers:
                self.uri.addItem(f"{p['uri']}", p["uri"])
            self.uri.setEditText(printers[0]["uri"] if printers else current)
            self.result.setText(_n("Found {n} USB printer.", "Found {n} USB printers.", len(printers))
                                if printers else
                                _("No USB printer found: check the cable and power, or type a "
                                  "network address (tcp://…:9100)."))
        self.wizard().aux.submit(lambda _c: find_usb_printers(), on_done=found,
                                 on_error=self.show_problems)

    def test(self) -> None:
        # looked up when called: tests replace app.printing.service's functions
        from app.printing.service import test_slip

        if not self.checked(lambda: self._config_or_refuse().validated()):
            return
        cfg = self._config_or_refuse()
        ctx = self.wizard().worker.ctx
        self.test_button.setEnabled(False)
        self.result.setText(_("Printing…"))

        def done(result) -> None:
            self.test_button.setEnabled(True)
            self.result.setText(result.text())

        def failed(exc) -> None:
            self.test_button.setEnabled(True)
            self.result.setText("")
            self.show_problems(exc)
        self.wizard().aux.submit(lambda _c: test_slip(ctx, cfg), on_done=done, on_error=failed)

    def _config_or_refuse(self):
        cfg = self.config()
        if cfg is None:
            raise ValidationError(_("Type the printer's address first, or find a USB printer."),
                                  field="uri")
        return cfg

    def validatePage(self) -> bool:  # noqa: N802
        return self.checked(lambda: self.config() and self.config().validated())


MODES = (("offline", N_("Work offline for now (connect to Plugipay later in Settings)")),
         ("connect", N_("Connect to my Plugipay account")),
         ("demo", N_("Demo mode: a local Plugipay sandbox with test money")))


class PlugipayPage(_Page):
    def __init__(self, parent=None):
        super().__init__(_("Plugipay"), _("Sales are always kept at this till first; Plugipay "
                                          "gets them when there is a connection."), parent)
        self.group = QButtonGroup(self)
        self.modes: dict[str, QRadioButton] = {}
        for i, (key, text) in enumerate(MODES):
            b = QRadioButton(gettext(text))
            self.group.addButton(b, i)
            self.modes[key] = b
            self.form.addRow(b)
        self.modes["offline"].setChecked(True)
        self.first = self.modes["offline"]
        self.key_id = self.row(_("Key id"), "key_id", QLineEdit())
        self.key_id.setPlaceholderText(KEY_ID_EXAMPLE)
        self.secret = self.row(_("Secret"), "secret", QLineEdit())
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.base_url = self.row(_("Address"), "base_url", QLineEdit())

        self.base_url.setPlaceholderText(DEFAULT_BASE_URL)
        self.group.idToggled.connect(lambda *_a: self._enable())
        self._enable()

    def mode(self) -> str:
        return next(k for k, b in self.modes.items() if b.isChecked())

    def _enable(self) -> None:
        on = self.mode() == "connect"
        for w in (self.key_id, self.secret, self.base_url):
            w.setEnabled(on)

    def validatePage(self) -> bool:  # noqa: N802
        if self.mode() != "connect" or self.wizard().owner_ctx is not None:
            return True  # offline, demo, or already carried out (the secret is gone)

        return self.checked(validate, self.key_id.text(), self.secret.text(),
                            self.base_url.text())
