"""This till's printer settings, stored under the settings key "printer"."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from app.i18n import _
from app.domain.errors import ValidationError
from app.services.settings import get_setting, set_setting

from .profiles import PrinterProfile, get_profile
from .uri import parse_printer_uri

SETTINGS_KEY = "printer"
CUT_CHOICES = ("auto", "full", "partial", "none")


@dataclass(frozen=True)
class PrinterConfig:
    uri: str = ""  # "" = no printer set up yet: jobs wait
    profile: str = "generic-58"
    columns: int = 32
    codepage: str = ""  # "" = the profile's best page
    cut: str = "auto"  # auto: as the profile's cutter; none: feed only
    print_on_issue: bool = False
    print_on_pay: bool = False
    drawer_kick: bool = False  # open the cash drawer when a cash payment is printed
    timeout: float = 5.0

    @classmethod
    def from_dict(cls, data: dict | None) -> "PrinterConfig":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in (data or {}).items() if k in names})

    def printer_profile(self) -> PrinterProfile:
        """The profile with this config's cutter choice applied."""
        base = get_profile(self.profile)
        if self.cut == "auto":
            return base
        return replace(base, cutter="" if self.cut == "none" else self.cut)

    @property
    def page(self) -> str:
        return (self.codepage or get_profile(self.profile).default_codepage).upper()

    def validated(self) -> "PrinterConfig":
        if self.uri:
            parse_printer_uri(self.uri)
        profile = get_profile(self.profile)
        profile.font_for(int(self.columns))
        if self.codepage:
            profile.codepage_number(self.codepage)
        if self.cut not in CUT_CHOICES:
            raise ValidationError(_("Cut is one of: {choices}.", choices=", ".join(CUT_CHOICES)),
                                  field="cut")
        if not 0.5 <= float(self.timeout) <= 60:
            raise ValidationError(_("The printer timeout is between 0.5 and 60 seconds."),
                                  field="timeout")
        return replace(self, profile=profile.name, columns=int(self.columns),
                       codepage=self.codepage.upper(), timeout=float(self.timeout))


def load_config(ctx) -> PrinterConfig:
    return PrinterConfig.from_dict(get_setting(ctx, SETTINGS_KEY))


def save_config(ctx, config: PrinterConfig) -> PrinterConfig:
    """Check and store; a bad value raises ValidationError and nothing is stored."""
    clean = config.validated()
    set_setting(ctx, SETTINGS_KEY, asdict(clean))
    return clean
