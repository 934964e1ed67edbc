"""The first-run wizard: shop → till and currency → owner and PIN → printer →
Plugipay. Keyboard first: type, Tab to the next field, Enter for Next.

Nothing is written until Finish; then the Plugipay choice is carried out
first (the OS keyring may refuse, and then nothing else is written) and the
rest goes through `app.setup.first_run.apply_setup` on the DB worker. On
success `completed` carries the owner's signed-in Context and `mode`/`demo`
say how Plugipay was set up."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWizard

from app.i18n import _
from app.services.settings import ShopProfile
from app.setup.first_run import SetupAnswers, TillInfo, apply_setup, check_shop
from app.sync.credentials import save

from ui.common.qtcompat import emit
from ui.setup.pages import OwnerPage, PlugipayPage, PrinterPage, ShopPage, TillPage


def start_demo(data_dir: Path):  # the aux worker: starting the sandbox takes a second
    # the sandbox server only for a demo till
    from app.sync.demo import start_demo_sandbox

    return start_demo_sandbox(data_dir, export_env=True)


def save_credentials(key_id: str, secret: str, base_url: str):  # aux worker: the keyring

    return save(key_id, secret, base_url).describe()


class FirstRunWizard(QWizard):
    completed = Signal(object)  # the owner's Context

    def __init__(self, worker, aux, data_dir: Path | None = None, parent=None):
        super().__init__(parent)
        self.worker, self.aux = worker, aux
        self.data_dir = data_dir or Path(".")
        self.setWindowTitle(_("Welcome to Kasir"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.shop, self.till, self.owner = ShopPage(), TillPage(), OwnerPage()
        self.printer, self.plugipay = PrinterPage(), PlugipayPage()
        for page in (self.shop, self.till, self.owner, self.printer, self.plugipay):
            self.addPage(page)
        self.owner_ctx = None
        self.demo = None  # the DemoSandbox started here, if any
        self.mode = "offline"
        self._busy = False
        self.resize(640, 480)

    # -- the core's checks, shared by the pages
    def shop_profile(self) -> ShopProfile:
        values = self.shop.values()
        return ShopProfile(default_currency=self.till.currency.currentData() or "IDR", **values)

    def check_shop(self):
        return check_shop(self.shop_profile())

    def answers(self):
        return SetupAnswers(
            shop=self.shop_profile(),
            till=TillInfo(self.till.code.text(), self.till.till_name.text()),
            owner_name=self.owner.name.text(), owner_pin=self.owner.pin.text(),
            owner_display=self.owner.display.text(), printer=self.printer.config())

    # -- Finish
    def accept(self) -> None:
        if self.owner_ctx is not None:
            super().accept()
            return
        if self._busy or not self.currentPage().validatePage():
            return
        self._set_busy(True)
        self.mode = self.plugipay.mode()
        if self.mode == "connect":
            p = self.plugipay
            self.aux.submit(lambda _c, *a: save_credentials(*a), p.key_id.text(),
                            p.secret.text(), p.base_url.text(),
                            on_done=lambda _d: self._apply(), on_error=self._plugipay_failed)
            p.secret.clear()
        elif self.mode == "demo":
            self.aux.submit(lambda _c, d: start_demo(d), self.data_dir / "plugipay-sandbox",
                            on_done=self._demo_started, on_error=self._plugipay_failed)
        else:
            self._apply()

    def _demo_started(self, demo) -> None:
        self.demo = demo
        self._apply()

    def _plugipay_failed(self, exc) -> None:
        self._set_busy(False)
        if not hasattr(exc, "code"):  # the sandbox did not start: say so plainly
            exc = f"{exc}"
        self.plugipay.show_problems(exc)

    def _apply(self) -> None:
        answers = self.answers()
        self.owner.pin.clear()
        self.owner.pin_again.clear()
        self.worker.submit(apply_setup, answers, on_done=self._applied, on_error=self._refused)

    def _applied(self, owner_ctx) -> None:
        self._set_busy(False)
        self.owner_ctx = owner_ctx
        emit(self.completed, owner_ctx)
        super().accept()

    def _refused(self, exc) -> None:
        """Show the refusal on the page that asked for it."""
        self._set_busy(False)
        fields = {name for name, _m in getattr(exc, "problems", None)
                  or [(getattr(exc, "field", "") or "", "")]}
        for page in (self.shop, self.till, self.owner, self.printer):
            if fields & set(page.errors.fields):
                while self.currentPage() is not page and self.currentId() > 0:
                    self.back()
                page.show_problems(exc)
                return
        self.currentPage().show_problems(exc)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for which in (QWizard.WizardButton.FinishButton, QWizard.WizardButton.BackButton,
                      QWizard.WizardButton.CancelButton):
            b = self.button(which)
            if b is not None:
                b.setEnabled(not busy)
